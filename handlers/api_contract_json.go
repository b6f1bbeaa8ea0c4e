package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// The contract as the API shows it (schema Contract in openapi.json).
// Every key is always present: an unknown value is null, an empty text "".
type apiContract struct {
	ID                    int64           `json:"id"`
	Council               apiCouncilRef   `json:"council"`
	Reference             string          `json:"reference"`
	Title                 string          `json:"title"`
	Description           string          `json:"description"`
	Department            string          `json:"department"`
	Supplier              apiSupplierRef  `json:"supplier"`
	Product               *apiProductRef  `json:"product"`
	Category              *apiCategoryRef `json:"category"`
	AnnualValuePence      *int64          `json:"annual_value_pence"`
	TotalValuePence       *int64          `json:"total_value_pence"`
	IrrecoverableVATPence *int64          `json:"irrecoverable_vat_pence"`
	StartDate             models.Date     `json:"start_date"`
	EndDate               models.Date     `json:"end_date"`
	ReviewDate            models.Date     `json:"review_date"`
	MaxExtensionDate      models.Date     `json:"max_extension_date"`
	ExtensionIntended     bool            `json:"extension_intended"`
	TimesExtended         int             `json:"times_extended"`
	NoticePeriodMonths    *int            `json:"notice_period_months"`
	ProcurementRoute      *string         `json:"procurement_route"`
	SME                   *bool           `json:"sme"`
	VCSE                  *bool           `json:"vcse"`
	Hosting               *string         `json:"hosting"`
	EndOfSupportDate      models.Date     `json:"end_of_support_date"`
	DecisionWindowDate    models.Date     `json:"decision_window_date"`
	Notes                 string          `json:"notes"`
	CreatedAt             time.Time       `json:"created_at"`
	UpdatedAt             time.Time       `json:"updated_at"`
}

type apiSupplierRef struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	CompanyNumber *string `json:"company_number"`
}

type apiProductRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiCategoryRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func apiContractOf(k models.Contract) apiContract {
	out := apiContract{
		ID: k.ID, Council: apiCouncilRef{GSSCode: k.CouncilGSS, Name: k.CouncilName},
		Reference: k.Reference, Title: k.Title, Description: k.Description, Department: k.Department,
		Supplier:         apiSupplierRef{ID: k.SupplierID, Name: k.SupplierName, CompanyNumber: nullable(k.SupplierCompanyNumber)},
		AnnualValuePence: k.AnnualValuePence, TotalValuePence: k.TotalValuePence, IrrecoverableVATPence: k.IrrecoverableVATPence,
		StartDate: k.StartDate, EndDate: k.EndDate, ReviewDate: k.ReviewDate, MaxExtensionDate: k.MaxExtensionDate,
		ExtensionIntended: k.ExtensionIntended, TimesExtended: k.TimesExtended, NoticePeriodMonths: k.NoticePeriodMonths,
		ProcurementRoute: nullable(k.ProcurementRoute), SME: k.SME, VCSE: k.VCSE, Hosting: nullable(k.Hosting),
		EndOfSupportDate: k.EndOfSupportDate, DecisionWindowDate: k.DecisionWindow, Notes: k.Notes,
		CreatedAt: k.CreatedAt.UTC(), UpdatedAt: k.UpdatedAt.UTC(),
	}
	if k.ProductID != 0 {
		out.Product = &apiProductRef{ID: k.ProductID, Name: k.ProductName}
	}
	if k.CategorySlug != "" {
		out.Category = &apiCategoryRef{Slug: k.CategorySlug, Name: k.CategoryName}
	}
	return out
}

// apiContractBody is what POST and PUT take (schema ContractInput).
// Supplier and product are decoded on their own so an error inside them
// names its full path ("supplier.nmae"); dates are read here so a bad
// one names its field.
type apiContractBody struct {
	Reference             string          `json:"reference"`
	Title                 string          `json:"title"`
	Description           string          `json:"description"`
	Department            string          `json:"department"`
	Supplier              json.RawMessage `json:"supplier"`
	Product               json.RawMessage `json:"product"`
	Category              string          `json:"category"`
	AnnualValuePence      *int64          `json:"annual_value_pence"`
	TotalValuePence       *int64          `json:"total_value_pence"`
	IrrecoverableVATPence *int64          `json:"irrecoverable_vat_pence"`
	StartDate             string          `json:"start_date"`
	EndDate               string          `json:"end_date"`
	ReviewDate            string          `json:"review_date"`
	MaxExtensionDate      string          `json:"max_extension_date"`
	ExtensionIntended     bool            `json:"extension_intended"`
	TimesExtended         int             `json:"times_extended"`
	NoticePeriodMonths    *int            `json:"notice_period_months"`
	ProcurementRoute      string          `json:"procurement_route"`
	SME                   *bool           `json:"sme"`
	VCSE                  *bool           `json:"vcse"`
	Hosting               string          `json:"hosting"`
	EndOfSupportDate      string          `json:"end_of_support_date"`
	Notes                 string          `json:"notes"`
}

type apiSupplierBody struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	CompanyNumber string `json:"company_number"`
}

type apiProductBody struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// apiFieldNames renames the models' field names where the API's differ.
var apiFieldNames = map[string]string{
	"total_value":             "total_value_pence",
	"annual_value":            "annual_value_pence",
	"irrecoverable_vat":       "irrecoverable_vat_pence",
	"supplier_company_number": "supplier.company_number",
}

func apiFields(verr *models.ValidationError) *models.ValidationError {
	out := &models.ValidationError{}
	for _, f := range verr.Fields {
		if n, ok := apiFieldNames[f.Field]; ok {
			f.Field = n
		}
		out.Add(f.Field, f.Message)
	}
	return out
}

// apiFail is fail for the API's writes: a model's validation error
// becomes a 422 problem naming the API's fields.
func (h *Handlers) apiFail(c *gin.Context, err error) {
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		h.validationProblem(c, apiFields(verr))
		return
	}
	h.fail(c, err)
}

// inBodyOrder sorts a validation error's fields into the order the body
// lists them, as a form's error summary would be.
func inBodyOrder(verr *models.ValidationError) {
	pos := map[string]int{}
	for i, name := range jsonNames(reflect.TypeFor[apiContractBody]()) {
		pos[name] = i
	}
	sort.SliceStable(verr.Fields, func(i, j int) bool {
		a, _, _ := strings.Cut(verr.Fields[i].Field, ".")
		b, _, _ := strings.Cut(verr.Fields[j].Field, ".")
		return pos[a] < pos[b]
	})
}

// readContractInput reads a POST or PUT body into a ContractInput. On a
// problem it answers (415, 400, 413 or 422) and returns false.
func (h *Handlers) readContractInput(c *gin.Context) (models.ContractInput, bool) {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		h.problem(c, http.StatusUnsupportedMediaType, "Unsupported Media Type", "Send the contract as JSON, with Content-Type: application/json.")
		return models.ContractInput{}, false
	}
	data, err := io.ReadAll(c.Request.Body)
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		h.problem(c, http.StatusRequestEntityTooLarge, "Content Too Large", fmt.Sprintf("A contract must be under %d bytes of JSON.", maxErr.Limit))
		return models.ContractInput{}, false
	}
	if err != nil {
		h.fail(c, err)
		return models.ContractInput{}, false
	}
	in, err := contractInputOf(data)
	var verr *models.ValidationError
	switch {
	case err == nil:
		return in, true
	case errors.As(err, &verr):
		h.validationProblem(c, verr)
	default:
		h.problem(c, http.StatusBadRequest, "Bad Request", "The body must be one JSON object: the contract.")
	}
	return models.ContractInput{}, false
}

// contractInputOf decodes and checks a body, reporting every field's
// problem at once where it can.
func contractInputOf(data []byte) (models.ContractInput, error) {
	var b apiContractBody
	if err := decodeStrict(data, &b, ""); err != nil {
		return models.ContractInput{}, err
	}
	in := models.ContractInput{
		Reference: b.Reference, Title: b.Title, Description: b.Description, Department: b.Department,
		CategorySlug: b.Category, AnnualValuePence: b.AnnualValuePence, TotalValuePence: b.TotalValuePence,
		IrrecoverableVATPence: b.IrrecoverableVATPence, ExtensionIntended: b.ExtensionIntended, TimesExtended: b.TimesExtended,
		NoticePeriodMonths: b.NoticePeriodMonths, ProcurementRoute: b.ProcurementRoute, SME: b.SME, VCSE: b.VCSE,
		Hosting: b.Hosting, Notes: b.Notes, Source: "api",
	}
	verr := &models.ValidationError{}
	if len(b.Supplier) > 0 && string(b.Supplier) != "null" {
		var s apiSupplierBody
		if err := decodeStrict(b.Supplier, &s, "supplier"); err != nil {
			return in, err
		}
		if s.ID != 0 && (s.Name != "" || s.CompanyNumber != "") {
			verr.Add("supplier", "Give the supplier's id, or its name (and company number), not both")
		}
		in.SupplierID, in.SupplierName, in.SupplierCompanyNumber = s.ID, s.Name, s.CompanyNumber
	}
	if len(b.Product) > 0 && string(b.Product) != "null" {
		var p apiProductBody
		if err := decodeStrict(b.Product, &p, "product"); err != nil {
			return in, err
		}
		switch {
		case p.ID != 0 && p.Name != "":
			verr.Add("product", "Give the product's id or its name, not both")
		case p.ID != 0 && in.SupplierID == 0:
			// The model would take the product's supplier and drop the
			// name given: say so rather than do it silently.
			verr.Add("product", "Give the supplier by id too when giving the product by id, or give the product by name")
		}
		in.ProductID, in.ProductName = p.ID, p.Name
	}
	for _, d := range []struct {
		field string
		text  string
		into  *models.Date
	}{
		{"start_date", b.StartDate, &in.StartDate}, {"end_date", b.EndDate, &in.EndDate},
		{"review_date", b.ReviewDate, &in.ReviewDate}, {"max_extension_date", b.MaxExtensionDate, &in.MaxExtensionDate},
		{"end_of_support_date", b.EndOfSupportDate, &in.EndOfSupportDate},
	} {
		v, err := models.ParseISODate(strings.TrimSpace(d.text))
		if err != nil {
			verr.Add(d.field, fmt.Sprintf("%s must be a real date written like 2027-03-31, not %q", d.field, d.text))
			continue
		}
		*d.into = v
	}
	// The model's own checks too, so a client hears of every problem at once.
	for _, f := range apiFields(in.Validate()).Fields {
		if !verr.Has(f.Field) {
			verr.Add(f.Field, f.Message)
		}
	}
	inBodyOrder(verr)
	return in, verr.Err()
}
