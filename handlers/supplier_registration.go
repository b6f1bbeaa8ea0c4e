package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

func init() {
	flashes["email-confirmed"] = "Your email address is confirmed and your company is registered. Check your company's details below."
	flashes["supplier-profile-saved"] = "Your company's details have been saved."
	flashes["supplier-linked"] = "Registered company linked to the register's supplier."
}

// yesNo reads a GOV.UK yes/no radio: nil when neither was chosen.
func yesNo(v string) *bool {
	switch v {
	case "yes":
		t := true
		return &t
	case "no":
		f := false
		return &f
	}
	return nil
}

// categoryChoice is one checkbox of the categories of interest.
type categoryChoice struct {
	ID, Value, Label string
	Checked          bool
}

// categoryChoices are the taxonomy's categories as checkboxes, the first
// with the field's own id so the error summary's link lands on it.
func (h *Handlers) categoryChoices(c *gin.Context, checked []string) ([]categoryChoice, error) {
	cats, err := h.DB.Categories(c.Request.Context())
	if err != nil {
		return nil, err
	}
	on := map[string]bool{}
	for _, s := range checked {
		on[s] = true
	}
	out := make([]categoryChoice, len(cats))
	for i, cat := range cats {
		id := "categories-" + cat.Slug
		if i == 0 {
			id = "categories"
		}
		out[i] = categoryChoice{ID: id, Value: cat.Slug, Label: cat.Name, Checked: on[cat.Slug]}
	}
	return out, nil
}

// supplierRegistrationForm is the registration form as posted.
type supplierRegistrationForm struct {
	CompanyName   string   `form:"company_name"`
	CompanyNumber string   `form:"company_number"`
	NotACompany   string   `form:"not_a_company"`
	SME           string   `form:"sme"`
	VCSE          string   `form:"vcse"`
	Categories    []string `form:"categories"`
	ContactName   string   `form:"contact_name"`
	Email         string   `form:"email"`
	Phone         string   `form:"phone"`
	Password      string   `form:"password"`
}

func (f supplierRegistrationForm) registration(ip string) models.SupplierRegistration {
	return models.SupplierRegistration{
		CompanyName: f.CompanyName, CompanyNumber: f.CompanyNumber, NotACompany: f.NotACompany == "yes",
		SME: yesNo(f.SME), VCSE: yesNo(f.VCSE), Categories: f.Categories,
		ContactName: f.ContactName, Email: f.Email, Phone: f.Phone, Password: f.Password, IP: ip,
	}
}

type supplierRegisterPage struct {
	Page
	Form       supplierRegistrationForm
	Categories []categoryChoice
}

type supplierRegisterDonePage struct {
	Page
	Email string
}

func (h *Handlers) renderSupplierRegistration(c *gin.Context, status int, f supplierRegistrationForm, verr *models.ValidationError) {
	cats, err := h.categoryChoices(c, f.Categories)
	if err != nil {
		h.fail(c, err)
		return
	}
	f.Password = "" // never sent back
	data := supplierRegisterPage{Page: h.page(c), Form: f, Categories: cats}
	data.Errors = verr
	h.render(c, status, "supplier_register", data)
}

// newSupplierRegistration is the registration form, or (after a
// registration, ?sent=1) the page asking the company to check its email.
// Someone signed in already has an account: they go home.
func (h *Handlers) newSupplierRegistration(c *gin.Context) {
	if currentUser(c) != nil {
		seeOther(c, "/")
		return
	}
	if c.Query("sent") != "" {
		h.render(c, http.StatusOK, "supplier_register_done",
			supplierRegisterDonePage{Page: h.page(c), Email: h.cookie(c, "jointly_registered_email")})
		return
	}
	h.renderSupplierRegistration(c, http.StatusOK, supplierRegistrationForm{}, nil)
}

// createSupplierRegistration registers the company and its first user
// (models.RegisterSupplier, all or nothing) and emails the link that
// confirms the address, then 303 to "check your email".
func (h *Handlers) createSupplierRegistration(c *gin.Context) {
	ctx := c.Request.Context()
	if currentUser(c) != nil {
		seeOther(c, "/")
		return
	}
	var f supplierRegistrationForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The registration form could not be read."})
		return
	}
	ok, err := h.DB.RegistrationAllowed(ctx, c.ClientIP())
	if err != nil {
		h.fail(c, err)
		return
	}
	if !ok {
		c.Header("Retry-After", fmt.Sprint(int(models.RegistrationWindow.Seconds())))
		h.fail(c, &models.PublicError{Status: http.StatusTooManyRequests,
			Message: "Too many companies have registered from your network in the last hour. Try again later."})
		return
	}
	reg := f.registration(c.ClientIP())
	u, secret, err := h.DB.RegisterSupplier(ctx, reg)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		h.renderSupplierRegistration(c, http.StatusUnprocessableEntity, f, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	_, err = h.Outbox.Send(ctx, models.Email{To: u.Email, Subject: "Confirm your email address for Jointly", Kind: "email-verification", Text: fmt.Sprintf(
		"Hello %s,\n\nThank you for registering %s on Jointly, where UK councils publish the technology they buy together.\n\nTo confirm your email address and start using your account, open this link within 24 hours:\n\n%s\n\nIf you did not register, you can ignore this email: nobody can sign in to the account without it.\n\nJointly\n",
		u.Name, u.SupplierName, h.absoluteURL("/suppliers/verify/"+secret))})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.setCookie(c, "jointly_registered_email", u.Email, 600)
	seeOther(c, "/suppliers/register?sent=1")
}

type supplierVerifyFailedPage struct {
	Page
	Used bool // the link was real but used or expired, not unknown
}

// verifySupplierEmail follows the emailed link: a good one confirms the
// address, signs the person in and shows their company's profile; a used,
// expired or unknown one explains what to do (410 or 404).
func (h *Handlers) verifySupplierEmail(c *gin.Context) {
	u, err := h.DB.VerifyEmail(c.Request.Context(), c.Param("secret"))
	switch {
	case errors.Is(err, models.ErrVerificationSpent):
		h.render(c, http.StatusGone, "supplier_verify_failed", supplierVerifyFailedPage{Page: h.page(c), Used: true})
		return
	case errors.Is(err, models.ErrNotFound):
		h.render(c, http.StatusNotFound, "supplier_verify_failed", supplierVerifyFailedPage{Page: h.page(c)})
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	h.signInAndGo(c, u, "email-confirmed", "/supplier/profile")
}

// supplierProfileForm is the profile form as posted.
type supplierProfileForm struct {
	SME          string   `form:"sme"`
	VCSE         string   `form:"vcse"`
	Categories   []string `form:"categories"`
	ContactName  string   `form:"contact_name"`
	ContactEmail string   `form:"contact_email"`
	Phone        string   `form:"phone"`
}

type supplierProfilePage struct {
	Page
	Profile    models.SupplierProfile
	Form       supplierProfileForm
	Categories []categoryChoice
	// CategoryNames are the profile's categories in words.
	CategoryNames []string
}

func (h *Handlers) renderSupplierProfile(c *gin.Context, status int, f *supplierProfileForm, verr *models.ValidationError) {
	p, err := h.DB.SupplierProfile(c.Request.Context(), *currentUser(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	if f == nil {
		f = &supplierProfileForm{SME: yesNoValue(p.SME), VCSE: yesNoValue(p.VCSE), Categories: p.Categories,
			ContactName: p.ContactName, ContactEmail: p.ContactEmail, Phone: p.ContactPhone}
	}
	cats, err := h.categoryChoices(c, f.Categories)
	if err != nil {
		h.fail(c, err)
		return
	}
	data := supplierProfilePage{Page: h.page(c), Profile: p, Form: *f, Categories: cats}
	for _, cat := range cats {
		for _, s := range p.Categories {
			if s == cat.Value {
				data.CategoryNames = append(data.CategoryNames, cat.Label)
			}
		}
	}
	data.Errors = verr
	h.render(c, status, "supplier_profile", data)
}

// editSupplierProfile shows the supplier's company and the form for its details.
func (h *Handlers) editSupplierProfile(c *gin.Context) {
	h.renderSupplierProfile(c, http.StatusOK, nil, nil)
}

// updateSupplierProfile saves SME and VCSE status, categories and contact.
func (h *Handlers) updateSupplierProfile(c *gin.Context) {
	var f supplierProfileForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The profile form could not be read."})
		return
	}
	err := h.DB.UpdateSupplierProfile(c.Request.Context(), *currentUser(c), models.SupplierDetails{
		SME: yesNo(f.SME), VCSE: yesNo(f.VCSE), Categories: f.Categories,
		ContactName: f.ContactName, ContactEmail: f.ContactEmail, ContactPhone: f.Phone,
	})
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		h.renderSupplierProfile(c, http.StatusUnprocessableEntity, &f, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "supplier-profile-saved")
	seeOther(c, "/supplier/profile")
}

// linkSupplier folds a self-registered company into the register's
// supplier (models.LinkSupplier): POST /admin/suppliers/:id/link with
// register_supplier_id, from the suppliers page, then 303 back to it.
func (h *Handlers) linkSupplier(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, models.ErrNotFound)
		return
	}
	reg, err := h.DB.PendingRegistration(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	q := c.PostForm("q")
	var verr *models.ValidationError
	into, perr := strconv.ParseInt(c.PostForm("register_supplier_id"), 10, 64)
	if perr != nil || into <= 0 {
		verr = &models.ValidationError{Fields: []models.FieldError{{Field: "register_supplier_id", Message: "Choose the register's supplier to link it to"}}}
	} else if err := h.DB.LinkSupplier(ctx, *currentUser(c), id, into); err != nil && !errors.As(err, &verr) {
		h.fail(c, err)
		return
	}
	if verr.Err() != nil {
		data, err := h.suppliersPage(c, mergeForm{Query: q})
		if err == nil {
			err = h.addRegistrations(c, &data, &reg)
		}
		if err != nil {
			h.fail(c, err)
			return
		}
		data.Errors = verr
		h.render(c, http.StatusUnprocessableEntity, "admin_suppliers", data)
		return
	}
	h.flash(c, "supplier-linked")
	seeOther(c, "/admin/suppliers")
}

// addRegistrations adds to the suppliers page the self-registered
// companies awaiting a link and, when one is being linked, which.
func (h *Handlers) addRegistrations(c *gin.Context, data *suppliersPage, linking *models.PendingRegistration) error {
	pending, err := h.DB.PendingRegistrations(c.Request.Context())
	if err != nil {
		return err
	}
	data.Pending = pending
	data.Linking = linking
	return nil
}
