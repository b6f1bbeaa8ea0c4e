package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// registerPageSize is how many contracts a page of a register shows.
const registerPageSize = 50

// choice is one answer a select or a group of radios offers.
type choice struct{ Value, Label string }

// registerSorts are the register's orders, as ?sort= takes them: a column,
// and "-desc" for the other way round.
var registerSorts = []choice{
	{"end_date", "End date, soonest first"}, {"end_date-desc", "End date, latest first"},
	{"decision_window", "Decision window, soonest first"}, {"decision_window-desc", "Decision window, latest first"},
	{"value-desc", "Annual value, highest first"}, {"value", "Annual value, lowest first"},
	{"supplier", "Supplier, A to Z"}, {"supplier-desc", "Supplier, Z to A"},
}

// registerWindows are the choices of "reaching its decision window within".
var registerWindows = []choice{
	{"", "Any time"}, {"90", "Within 90 days"}, {"120", "Within 120 days"}, {"180", "Within 180 days"}, {"365", "Within a year"},
}

var registerHostings = []choice{
	{models.HostingOnPremises, models.HostingLabel(models.HostingOnPremises)},
	{models.HostingHosted, models.HostingLabel(models.HostingHosted)},
	{models.HostingSaaS, models.HostingLabel(models.HostingSaaS)},
}

// registerQuery is what the register's filter form and links ask for.
// Values the page does not offer are ignored, as the directory does.
type registerQuery struct {
	Category string
	Supplier string // a supplier's id
	Hosting  string
	Window   string // days, from registerWindows
	Sort     string // from registerSorts
	Page     int
}

func readRegisterQuery(c *gin.Context, cats []models.Category) registerQuery {
	q := registerQuery{Category: c.Query("category"), Supplier: c.Query("supplier"), Hosting: c.Query("hosting"),
		Window: c.Query("window"), Sort: c.Query("sort"), Page: pageParam(c.Query("page"))}
	if !slices.ContainsFunc(cats, func(k models.Category) bool { return k.Slug == q.Category }) {
		q.Category = ""
	}
	if id, err := strconv.ParseInt(q.Supplier, 10, 64); err != nil || id <= 0 {
		q.Supplier = ""
	}
	if !slices.ContainsFunc(registerHostings, func(o choice) bool { return o.Value == q.Hosting }) {
		q.Hosting = ""
	}
	if !slices.ContainsFunc(registerWindows, func(o choice) bool { return o.Value == q.Window }) {
		q.Window = ""
	}
	if !slices.ContainsFunc(registerSorts, func(o choice) bool { return o.Value == q.Sort }) {
		q.Sort = "end_date"
	}
	return q
}

// filter is the query as the model takes it.
func (q registerQuery) filter(gss string, today models.Date) models.ContractFilter {
	f := models.ContractFilter{CouncilGSS: gss, CategorySlug: q.Category, Hosting: q.Hosting, Today: today,
		Limit: registerPageSize, Offset: (q.Page - 1) * registerPageSize}
	f.SupplierID, _ = strconv.ParseInt(q.Supplier, 10, 64)
	f.WindowWithinDays, _ = strconv.Atoi(q.Window)
	f.Sort, f.Desc = strings.CutSuffix(q.Sort, "-desc")
	return f
}

// Filtered reports whether any filter narrows the register.
func (q registerQuery) Filtered() bool {
	return q.Category != "" || q.Supplier != "" || q.Hosting != "" || q.Window != ""
}

// href is the register's address for q, leaving out defaults.
func (q registerQuery) href(gss string) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"category", q.Category}, {"supplier", q.Supplier}, {"hosting", q.Hosting}, {"window", q.Window}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if q.Sort != "end_date" {
		v.Set("sort", q.Sort)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if len(v) == 0 {
		return registerPath(gss)
	}
	return registerPath(gss) + "?" + v.Encode()
}

func registerPath(gss string) string { return "/councils/" + url.PathEscape(gss) + "/contracts" }

// sortHeader is a sortable column's header: a link that sorts by the
// column (or reverses it), and aria-sort saying how it is sorted now.
type sortHeader struct {
	Label, Href, AriaSort, Next string
	Numeric                     bool
}

func (q registerQuery) header(gss, label, column string, numeric bool) sortHeader {
	h := sortHeader{Label: label, AriaSort: "none", Numeric: numeric}
	next := q
	next.Page = 1
	switch q.Sort {
	case column:
		h.AriaSort, next.Sort, h.Next = "ascending", column+"-desc", "descending"
	case column + "-desc":
		h.AriaSort, next.Sort, h.Next = "descending", column, "ascending"
	default:
		next.Sort, h.Next = column, "ascending"
	}
	h.Href = next.href(gss)
	return h
}

type registerPage struct {
	Page
	Council      models.Council
	Today        models.Date
	Query        registerQuery
	Contracts    []models.Contract
	Total        int
	First, Last  int // the numbers of the first and last contracts shown
	Pagination   *pagination
	Headers      map[string]sortHeader
	Categories   []models.Category
	Suppliers    []models.Supplier
	Hostings     []choice
	Windows      []choice
	Sorts        []choice
	CanEdit      bool
	Confirmation string
	ClearHref    string
}

// listContracts is a council's register: GET /councils/:gss/contracts.
func (h *Handlers) listContracts(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	council, err := h.DB.CouncilByGSS(ctx, c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return
	}
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	suppliers, err := h.DB.RegisterSuppliers(ctx, *u, council.GSSCode)
	if err != nil {
		h.fail(c, err)
		return
	}
	today := models.DateOf(h.DB.Clock.Now())
	q := readRegisterQuery(c, cats)
	list, err := h.DB.Contracts(ctx, *u, q.filter(council.GSSCode, today))
	if err != nil {
		h.fail(c, err)
		return
	}
	pages := pageCount(list.Total, registerPageSize)
	if q.Page > pages { // past the end (the register shrank): show the last page
		q.Page = pages
		if list, err = h.DB.Contracts(ctx, *u, q.filter(council.GSSCode, today)); err != nil {
			h.fail(c, err)
			return
		}
	}
	confirmed, err := h.registerConfirmation(ctx, council.GSSCode)
	if err != nil {
		h.fail(c, err)
		return
	}
	data := registerPage{
		Page: h.page(c), Council: council, Today: today, Query: q, Contracts: list.Contracts, Total: list.Total,
		Categories: cats, Suppliers: suppliers, Hostings: registerHostings, Windows: registerWindows, Sorts: registerSorts,
		CanEdit: models.CanEditRegister(*u, council.GSSCode), Confirmation: confirmed,
		ClearHref: registerQuery{Sort: q.Sort, Page: 1}.href(council.GSSCode),
		Headers: map[string]sortHeader{
			"supplier":        q.header(council.GSSCode, "Supplier", "supplier", false),
			"value":           q.header(council.GSSCode, "Annual value", "value", true),
			"end_date":        q.header(council.GSSCode, "End date", "end_date", false),
			"decision_window": q.header(council.GSSCode, "Decision window", "decision_window", false),
		},
	}
	if n := len(list.Contracts); n > 0 {
		data.First = (q.Page-1)*registerPageSize + 1
		data.Last = data.First + n - 1
	}
	data.Pagination = paginate("Pages of the register", q.Page, pages, func(n int) string {
		p := q
		p.Page = n
		return p.href(council.GSSCode)
	})
	h.render(c, http.StatusOK, "register", data)
}

// registerConfirmation says when the register was last confirmed as
// current and by whom, as a sentence, or that it never has been.
func (h *Handlers) registerConfirmation(ctx context.Context, gss string) (string, error) {
	rc, err := h.DB.LastRegisterConfirmation(ctx, gss)
	if errors.Is(err, models.ErrNotFound) {
		return "This register has never been confirmed as current.", nil
	}
	if err != nil {
		return "", err
	}
	return "Register last confirmed on " + models.DateOf(rc.At).Long() + " by " + rc.ByName + ".", nil
}

// confirmRegister records that the council's register is current: POST
// /councils/:gss/register/confirm, by its officers and administrators.
func (h *Handlers) confirmRegister(c *gin.Context) {
	ctx := c.Request.Context()
	council, err := h.DB.CouncilByGSS(ctx, c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.ConfirmRegister(ctx, *currentUser(c), council.GSSCode); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "register-confirmed")
	seeOther(c, registerPath(council.GSSCode))
}

// registerNav is the service navigation for a page of gss's register, so
// "Register" is the current section on one's own council's contracts and
// "Councils" on any other council's.
func registerNav(u *models.User, gss string) []NavItem {
	return navigation(u, registerPath(gss))
}
