package models

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RegisterCSVColumns is the header of a register exported as CSV: the
// Local Government Transparency Code 2015 contract columns in the Code's
// order, then Jointly's own. The names are the ones councils' published
// files use, so the register importer reads an export back unchanged:
// every field a council enters has a column (Times Extended too, which
// the legacy radar counts), and only Decision Window, which Jointly
// works out, is not read back.
var RegisterCSVColumns = []string{
	// Transparency Code.
	"Reference Number", "Title of Agreement", "Department", "Description",
	"Supplier Name", "Supplier Company Number",
	"Total Value (£)", "Annual Value (£)", "Irrecoverable VAT (£)",
	"Start Date", "End Date", "Review Date",
	"Procurement Route", "SME", "VCSE",
	// Jointly's own.
	"Product", "Category", "Hosting", "Notice Period (months)",
	"Maximum Extension Date", "Extension Intended", "Times Extended", "End of Support Date",
	"Decision Window", "Notes",
}

// ExportCSV writes council gss's register to w as CSV (RegisterCSVColumns;
// money as pounds with two decimals, dates as 2027-03-31, yes/no as Yes
// and No), one contract a row in the order they were added, streamed a
// page at a time. viewer must be allowed to read registers.
func (db *DB) ExportCSV(ctx context.Context, viewer User, w io.Writer, gss string) error {
	if _, err := db.exportCouncil(ctx, viewer, gss); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, and what spreadsheets write
	if err := cw.Write(RegisterCSVColumns); err != nil {
		return err
	}
	err := db.eachContract(ctx, gss, func(c Contract) error {
		return cw.Write(registerCSVRow(c))
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write register CSV: %w", err)
	}
	return nil
}

// registerCSVRow is a contract as a row of RegisterCSVColumns, every cell
// safe to open in a spreadsheet.
func registerCSVRow(c Contract) []string {
	notice := ""
	if c.NoticePeriodMonths != nil {
		notice = strconv.Itoa(*c.NoticePeriodMonths)
	}
	row := []string{
		c.Reference, c.Title, c.Department, c.Description,
		c.SupplierName, c.SupplierCompanyNumber,
		csvPounds(c.TotalValuePence), csvPounds(c.AnnualValuePence), csvPounds(c.IrrecoverableVATPence),
		c.StartDate.String(), c.EndDate.String(), c.ReviewDate.String(),
		ProcurementRouteLabel(c.ProcurementRoute), csvYesNo(c.SME), csvYesNo(c.VCSE),
		c.ProductName, c.CategoryName, HostingLabel(c.Hosting), notice,
		c.MaxExtensionDate.String(), csvYesNo(&c.ExtensionIntended), strconv.Itoa(c.TimesExtended), c.EndOfSupportDate.String(),
		c.DecisionWindow.String(), c.Notes,
	}
	for i := range row {
		row[i] = SpreadsheetSafe(row[i])
	}
	return row
}

// SpreadsheetSafe neutralises a cell that a spreadsheet would run as a
// formula: one starting with =, +, -, @, a tab or a carriage return gets a
// leading single quote, as the OWASP guidance on CSV injection advises.
// Only free text can start so: Jointly writes money, dates and numbers
// itself, and never negative. An importer reading Jointly's CSV strips
// that quote again (see UnneutraliseCell).
func SpreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// UnneutraliseCell undoes SpreadsheetSafe: a cell that is a single quote
// followed by a formula character is read without the quote.
func UnneutraliseCell(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(cell[1])) {
		return cell[1:]
	}
	return cell
}

// ProcurementRouteLabel is a procurement route code in words, or "".
func ProcurementRouteLabel(code string) string {
	for _, r := range ProcurementRoutes {
		if r.Code == code {
			return r.Label
		}
	}
	return ""
}

func csvPounds(p *int64) string {
	if p == nil {
		return ""
	}
	return formatPounds(*p)
}

func csvYesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "Yes"
	}
	return "No"
}
