package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// contractFormPage is the add and the edit contract page.
type contractFormPage struct {
	Page
	Council    models.Council
	Contract   models.Contract // the contract being edited; ID 0 when adding
	Form       contractForm
	Categories []models.Category
	Action     string // where the form posts
	Cancel     string // where "Cancel" goes
}

// DateInput is a GOV.UK date input of the form, with its message.
func (p contractFormPage) DateInput(name, legend, hint string) dateInput {
	return dateInput{Name: name, Legend: legend, Hint: hint, Parts: p.Form.Date(name), Error: p.Errors.Message(name)}
}

// Radios is a group of radios of the form, with its message. Every group
// offers "Not known", as registers often do not say.
func (p contractFormPage) Radios(name, legend, hint string) radioGroup {
	g := radioGroup{Name: name, Legend: legend, Hint: hint, Error: p.Errors.Message(name)}
	var choices []choice
	switch name {
	case "hosting":
		g.Value, choices = p.Form.Hosting, registerHostings
	case "procurement_route":
		g.Value = p.Form.ProcurementRoute
		for _, r := range models.ProcurementRoutes {
			choices = append(choices, choice{r.Code, r.Label})
		}
	case "sme":
		g.Value, choices = p.Form.SME, yesNoChoices
	case "vcse":
		g.Value, choices = p.Form.VCSE, yesNoChoices
	}
	choices = append(choices, choice{"", "Not known"})
	for i, ch := range choices {
		// The first radio's id is the field's name, so the error summary's
		// link lands on it.
		id := name
		if i > 0 {
			id = name + "-" + ch.Value
			if ch.Value == "" {
				id = name + "-not-known"
			}
		}
		g.Items = append(g.Items, radioItem{ID: id, Value: ch.Value, Label: ch.Label, Checked: ch.Value == g.Value})
	}
	return g
}

var yesNoChoices = []choice{{"yes", "Yes"}, {"no", "No"}}

type radioGroup struct {
	Name, Legend, Hint, Error, Value string
	Items                            []radioItem
}

type radioItem struct {
	ID, Value, Label string
	Checked          bool
}

// Field is the templates.Field of a text box of the form: for the money,
// number and text area boxes, which the "input" partial does not draw.
func (p contractFormPage) Field(name, label, value, hint string) templates.Field {
	return templates.Field{Name: name, Label: label, Value: value, Hint: hint, Error: p.Errors.Message(name)}
}

func (h *Handlers) contractFormPage(c *gin.Context, council models.Council, k models.Contract, f contractForm) (contractFormPage, error) {
	cats, err := h.DB.Categories(c.Request.Context())
	if err != nil {
		return contractFormPage{}, err
	}
	p := contractFormPage{Page: h.contractPageBase(c, council.GSSCode), Council: council, Contract: k, Form: f, Categories: cats,
		Action: registerPath(council.GSSCode), Cancel: registerPath(council.GSSCode)}
	if k.ID != 0 {
		p.Action = fmt.Sprintf("/contracts/%d", k.ID)
		p.Cancel = p.Action
	}
	return p, nil
}

// renderContractForm shows the form, with problems if there are any (422).
func (h *Handlers) renderContractForm(c *gin.Context, council models.Council, k models.Contract, f contractForm, verr *models.ValidationError) {
	data, err := h.contractFormPage(c, council, k, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	status := http.StatusOK
	if verr.Err() != nil {
		data.Errors, status = verr, http.StatusUnprocessableEntity
	}
	h.render(c, status, "contract_form", data)
}

// editableCouncil is the council of the request's :gss, if the current
// user may write its register.
func (h *Handlers) editableCouncil(c *gin.Context) (models.Council, error) {
	council, err := h.DB.CouncilByGSS(c.Request.Context(), c.Param("gss"))
	if err != nil {
		return council, err
	}
	if !models.CanEditRegister(*currentUser(c), council.GSSCode) {
		return council, fmt.Errorf("add to the register of %s: %w", council.GSSCode, models.ErrForbidden)
	}
	return council, nil
}

// newContract is the empty form: GET /councils/:gss/contracts/new.
func (h *Handlers) newContract(c *gin.Context) {
	council, err := h.editableCouncil(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderContractForm(c, council, models.Contract{}, contractForm{}, nil)
}

// createContract adds a contract to a council's register: POST
// /councils/:gss/contracts, then 303 to the new contract's page.
func (h *Handlers) createContract(c *gin.Context) {
	council, err := h.editableCouncil(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var f contractForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The contract form could not be read."})
		return
	}
	in, verr := f.Validate()
	if verr.Err() != nil {
		h.renderContractForm(c, council, models.Contract{}, f, verr)
		return
	}
	k, err := h.DB.CreateContract(c.Request.Context(), *currentUser(c), council.GSSCode, in)
	if errors.As(err, &verr) {
		h.renderContractForm(c, council, models.Contract{}, f, inFormOrder(verr))
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "contract-added")
	seeOther(c, fmt.Sprintf("/contracts/%d", k.ID))
}

// editContract is the form filled with the contract: GET /contracts/:id/edit.
func (h *Handlers) editContract(c *gin.Context) {
	k, err := h.editableContract(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	council, err := h.DB.CouncilByGSS(c.Request.Context(), k.CouncilGSS)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderContractForm(c, council, k, formFromContract(k), nil)
}

// updateContract saves the edit form: POST /contracts/:id, then 303 to the
// contract's page, whose history shows what changed.
func (h *Handlers) updateContract(c *gin.Context) {
	k, err := h.editableContract(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	council, err := h.DB.CouncilByGSS(c.Request.Context(), k.CouncilGSS)
	if err != nil {
		h.fail(c, err)
		return
	}
	var f contractForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The contract form could not be read."})
		return
	}
	in, verr := f.Validate()
	if verr.Err() != nil {
		h.renderContractForm(c, council, k, f, verr)
		return
	}
	// The form does not show the OCDS identifier an import set; an update
	// replaces every field, so it is carried over.
	in.OCID = k.OCID
	_, err = h.DB.UpdateContract(c.Request.Context(), *currentUser(c), k.ID, in)
	if errors.As(err, &verr) {
		h.renderContractForm(c, council, k, f, inFormOrder(verr))
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "contract-saved")
	seeOther(c, fmt.Sprintf("/contracts/%d", k.ID))
}
