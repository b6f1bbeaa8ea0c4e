package handlers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Importing a council's register from a file: upload → preview (a dry
// run: what would be added, updated and left unchanged, how each column
// was read, every problem) → confirm. The file is kept between preview
// and confirmation by models.KeepImportUpload, so it is uploaded once.

// maxImportFileBytes is the largest file the import page takes; the
// route's body cap (allowBody) leaves room for the form around it.
const (
	maxImportFileBytes = 10 << 20
	importBodyBytes    = maxImportFileBytes + 64<<10
)

// importProblemsShown is how many problems the preview lists; the rest
// are counted.
const importProblemsShown = 200

type contractImportPage struct {
	Page
	Council models.Council
	Sheet   string
}

type importColumn struct {
	models.HeaderMapping
	Choosable bool   // the page offers a select for it
	Chosen    string // the select's current value
}

type contractImportPreviewPage struct {
	Page
	Council      models.Council
	Token        string
	FileName     string
	Sheet        string
	Result       models.ContractImportResult
	Columns      []importColumn
	Fields       []models.ImportField
	Problems     []models.RowError
	MoreProblems int
	ToImport     int // contracts to be added or updated
	CanImport    bool
}

func (h *Handlers) importCouncil(c *gin.Context) (*models.User, models.Council, bool) {
	u := currentUser(c)
	council, err := h.DB.CouncilByGSS(c.Request.Context(), c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return nil, council, false
	}
	if !models.CanEditRegister(*u, council.GSSCode) {
		h.fail(c, fmt.Errorf("import into %s: %w", council.GSSCode, models.ErrForbidden))
		return nil, council, false
	}
	return u, council, true
}

// newContractImport: GET /councils/:gss/contracts/import.
func (h *Handlers) newContractImport(c *gin.Context) {
	_, council, ok := h.importCouncil(c)
	if !ok {
		return
	}
	h.render(c, http.StatusOK, "contracts_import", contractImportPage{Page: h.page(c), Council: council})
}

func (h *Handlers) importFormError(c *gin.Context, council models.Council, field, message string) {
	p := contractImportPage{Page: h.page(c), Council: council, Sheet: c.PostForm("sheet")}
	p.Errors = &models.ValidationError{Fields: []models.FieldError{{Field: field, Message: message}}}
	h.render(c, http.StatusUnprocessableEntity, "contracts_import", p)
}

// uploadedImport reads the file posted with the form and keeps it, or
// finds the one kept under the form's token.
func (h *Handlers) uploadedImport(c *gin.Context, u *models.User, council models.Council) (models.ImportUpload, bool) {
	ctx := c.Request.Context()
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > maxImportFileBytes {
			h.importFormError(c, council, "file", "The file must be 10 MB or smaller")
			return models.ImportUpload{}, false
		}
		f, err := fh.Open()
		if err != nil {
			h.fail(c, err)
			return models.ImportUpload{}, false
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxImportFileBytes+1))
		if err != nil {
			h.fail(c, err)
			return models.ImportUpload{}, false
		}
		if len(data) == 0 {
			h.importFormError(c, council, "file", "The selected file is empty")
			return models.ImportUpload{}, false
		}
		token, err := h.DB.KeepImportUpload(ctx, *u, council.GSSCode, fh.Filename, data)
		if err != nil {
			h.fail(c, err)
			return models.ImportUpload{}, false
		}
		return models.ImportUpload{Token: token, FileName: fh.Filename, Data: data, CouncilGSS: council.GSSCode}, true
	}
	token := c.PostForm("token")
	if token == "" {
		h.importFormError(c, council, "file", "Select a file to import")
		return models.ImportUpload{}, false
	}
	up, err := h.DB.ImportUploadFor(ctx, *u, council.GSSCode, token)
	if errors.Is(err, models.ErrNotFound) {
		h.importFormError(c, council, "file", "The file you uploaded has expired: select it again")
		return models.ImportUpload{}, false
	}
	if err != nil {
		h.fail(c, err)
		return models.ImportUpload{}, false
	}
	return up, true
}

// importMappings reads the column choices: column_N holds a header, and
// field_N the field chosen for it ("" when none was chosen).
func importMappings(c *gin.Context) map[string]string {
	out := map[string]string{}
	for key, vals := range c.Request.PostForm {
		n, ok := strings.CutPrefix(key, "field_")
		if !ok || len(vals) == 0 || vals[0] == "" {
			continue
		}
		if _, err := strconv.Atoi(n); err != nil {
			continue
		}
		if header := c.PostForm("column_" + n); header != "" {
			out[header] = vals[0]
		}
	}
	return out
}

// previewContractImport: POST /councils/:gss/contracts/import. A dry run
// of the uploaded (or kept) file, shown for checking.
func (h *Handlers) previewContractImport(c *gin.Context) {
	u, council, ok := h.importCouncil(c)
	if !ok {
		return
	}
	up, ok := h.uploadedImport(c, u, council)
	if !ok {
		return
	}
	req := models.ContractImport{CouncilGSS: council.GSSCode, FileName: up.FileName, Data: up.Data,
		Sheet: c.PostForm("sheet"), Mappings: importMappings(c), DryRun: true}
	res, err := h.DB.ImportContracts(c.Request.Context(), *u, req)
	h.renderImportPreview(c, council, up, req, res, err)
}

// importContracts: POST /councils/:gss/contracts/import/confirm. The real
// import, all or nothing; then to the register.
func (h *Handlers) importContracts(c *gin.Context) {
	u, council, ok := h.importCouncil(c)
	if !ok {
		return
	}
	up, ok := h.uploadedImport(c, u, council)
	if !ok {
		return
	}
	req := models.ContractImport{CouncilGSS: council.GSSCode, FileName: up.FileName, Data: up.Data,
		Sheet: c.PostForm("sheet"), Mappings: importMappings(c)}
	res, err := h.DB.ImportContracts(c.Request.Context(), *u, req)
	if err != nil {
		h.renderImportPreview(c, council, up, req, res, err)
		return
	}
	h.DB.DropImportUpload(up.Token)
	h.flash(c, "contracts-imported")
	seeOther(c, "/councils/"+council.GSSCode+"/contracts")
}

func (h *Handlers) renderImportPreview(c *gin.Context, council models.Council, up models.ImportUpload, req models.ContractImport, res models.ContractImportResult, err error) {
	var ierr *models.ImportError
	var verr *models.ValidationError
	switch {
	case errors.As(err, &verr):
		h.importFormError(c, council, "file", verr.Fields[0].Message)
		return
	case err != nil && !errors.As(err, &ierr):
		h.fail(c, err)
		return
	}
	p := contractImportPreviewPage{Page: h.page(c), Council: council, Token: up.Token, FileName: up.FileName,
		Sheet: req.Sheet, Result: res, Fields: models.ImportFields()}
	if p.Sheet == "" {
		p.Sheet = res.Sheet
	}
	for _, m := range res.Headers {
		col := importColumn{HeaderMapping: m, Chosen: m.Field}
		switch m.How {
		case models.MappedUnknown, models.MappedChosen, models.MappedRemembered, models.MappedIgnored:
			col.Choosable = m.Header != ""
		}
		if m.How == models.MappedIgnored {
			col.Chosen = models.ImportIgnore
		}
		p.Columns = append(p.Columns, col)
	}
	status := http.StatusOK
	if ierr != nil {
		status = http.StatusUnprocessableEntity
		p.Problems = ierr.Rows
		if len(p.Problems) > importProblemsShown {
			p.Problems, p.MoreProblems = p.Problems[:importProblemsShown], len(ierr.Rows)-importProblemsShown
		}
		p.Errors = importSummary(ierr.Rows)
	}
	p.ToImport = res.Created + res.Updated
	p.CanImport = ierr == nil && p.ToImport > 0
	h.render(c, status, "contracts_import_preview", p)
}

// importSummary is the error summary for a file's problems: the first
// few, each linked to its line of the table, then a count.
func importSummary(rows []models.RowError) *models.ValidationError {
	verr := &models.ValidationError{}
	for i, r := range rows {
		if i == 10 {
			verr.Add("problems", fmt.Sprintf("and %d more problems, listed below", len(rows)-i))
			break
		}
		where := fmt.Sprintf("Row %d", r.Line)
		if r.Field == "header" || r.Field == "file" || r.Field == "sheet" {
			where = "The file"
		} else if r.Field != "" {
			where += ", " + r.Field
		}
		verr.Add(fmt.Sprintf("problem-%d", i), where+": "+r.Message)
	}
	return verr
}
