package models

import "strconv"

// The parts of an OCDS 1.1 release that Jointly fills. Empty fields are
// left out rather than written as null.

type ocdsRelease struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language,omitempty"`
	Parties        []ocdsParty    `json:"parties"`
	Buyer          ocdsOrgRef     `json:"buyer"`
	Awards         []ocdsAward    `json:"awards"`
	Contracts      []ocdsContract `json:"contracts"`
}

type ocdsOrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type ocdsIdentifier struct {
	Scheme    string `json:"scheme"`
	ID        string `json:"id"`
	LegalName string `json:"legalName,omitempty"`
	URI       string `json:"uri,omitempty"`
}

type ocdsParty struct {
	ID                    string           `json:"id"`
	Name                  string           `json:"name"`
	Identifier            *ocdsIdentifier  `json:"identifier,omitempty"`
	AdditionalIdentifiers []ocdsIdentifier `json:"additionalIdentifiers,omitempty"`
	Roles                 []string         `json:"roles"`
}

type ocdsValue struct {
	Amount   ocdsAmount `json:"amount"`
	Currency string     `json:"currency"`
}

type ocdsAward struct {
	ID        string       `json:"id"`
	Title     string       `json:"title,omitempty"`
	Status    string       `json:"status"`
	Value     *ocdsValue   `json:"value,omitempty"`
	Suppliers []ocdsOrgRef `json:"suppliers"`
}

type ocdsPeriod struct {
	StartDate     string `json:"startDate,omitempty"`
	EndDate       string `json:"endDate,omitempty"`
	MaxExtentDate string `json:"maxExtentDate,omitempty"`
}

type ocdsClassification struct {
	Scheme      string `json:"scheme"`
	ID          string `json:"id"`
	Description string `json:"description"`
}

type ocdsItem struct {
	ID             string              `json:"id"`
	Description    string              `json:"description,omitempty"`
	Classification *ocdsClassification `json:"classification,omitempty"`
}

type ocdsContract struct {
	ID          string      `json:"id"`
	AwardID     string      `json:"awardID"`
	Title       string      `json:"title,omitempty"`
	Description string      `json:"description,omitempty"`
	Status      string      `json:"status"`
	Period      *ocdsPeriod `json:"period,omitempty"`
	Value       *ocdsValue  `json:"value,omitempty"`
	Items       []ocdsItem  `json:"items,omitempty"`
}

// buyerParties lists buying councils as parties with the role buyer, and
// returns the first as the release's buyer.
//
// A council is identified by its GSS code. org-id.guide, whose list codes
// OCDS identifier schemes come from, has no list of GSS codes: its
// council lists (GB-LAE England, GB-LAS Scotland, GB-PLA Wales, GB-LANI
// Northern Ireland) use the old local authority registers' three-letter
// codes, which Jointly does not hold. So the GSS code goes in
// additionalIdentifiers under the scheme "GB-GSS", which is Jointly's own
// label and not an org-id.guide code, and identifier is left out rather
// than filled with an unregistered scheme. (OCDS's own documentation
// example uses "GB-LAC" with a GSS code; that code is not registered
// either.) Once councils carry their register code, identifier can be
// {scheme GB-LAE, id LDS} and the party id GB-LAE-LDS.
func buyerParties(buyers []Council) ([]ocdsParty, ocdsOrgRef) {
	parties := make([]ocdsParty, 0, len(buyers)+1)
	for _, c := range buyers {
		name := c.OfficialName
		if name == "" {
			name = c.Name
		}
		parties = append(parties, ocdsParty{
			ID: "GB-GSS-" + c.GSSCode, Name: name,
			AdditionalIdentifiers: []ocdsIdentifier{{Scheme: "GB-GSS", ID: c.GSSCode, LegalName: name}},
			Roles:                 []string{"buyer"},
		})
	}
	return parties, ocdsOrgRef{ID: parties[0].ID, Name: parties[0].Name}
}

// supplierParty is the contract's supplier, identified by its Companies
// House number (org-id.guide's GB-COH) when known.
func supplierParty(c Contract) ocdsParty {
	p := ocdsParty{ID: "jointly-supplier-" + strconv.FormatInt(c.SupplierID, 10), Name: c.SupplierName, Roles: []string{"supplier"}}
	if n := c.SupplierCompanyNumber; n != "" {
		p.ID = "GB-COH-" + n
		p.Identifier = &ocdsIdentifier{Scheme: "GB-COH", ID: n, LegalName: c.SupplierName,
			URI: "https://find-and-update.company-information.service.gov.uk/company/" + n}
	}
	return p
}

// cpvCode is a real CPV 2008 code (the 8 digits, without the check digit,
// as Contracts Finder writes them) and its English label.
type cpvCode struct{ Code, Label string }

// categoryCPV is the CPV code that describes each category of the taxonomy
// as a whole, where one does. A category's CPV prefixes place notices in
// it; they are not codes themselves, and the first one padded with zeros
// may be no code at all, or one that says something else (79342000 is
// "Marketing services"). Each code here is real, and CategoryForCPV puts
// it back in its own category, so an exported release imports to the same
// category. Categories with no fitting code (housing management, social
// care, waste, parking…: the CPV codes under their prefixes are for
// services, not systems) get no classification.
var categoryCPV = map[string]cpvCode{
	"revenues-benefits":        {"48442000", "Financial systems software package"},
	"education":                {"48190000", "Educational software package"},
	"finance-erp":              {"48440000", "Financial analysis and accounting software package"},
	"hr-payroll":               {"48450000", "Time accounting or human resources software package"},
	"crm":                      {"48445000", "Customer Relation Management software package"},
	"libraries":                {"48161000", "Library management system"},
	"edrms":                    {"48311100", "Document management system"},
	"gis":                      {"38221000", "Geographic information systems (GIS or equivalent)"},
	"website-cms":              {"48220000", "Internet and intranet software package"},
	"network":                  {"32400000", "Networks"},
	"cyber-security":           {"48732000", "Data security software package"},
	"data-analytics":           {"48482000", "Business intelligence software package"},
	"it-services":              {"72000000", "IT services: consulting, software development, Internet and support"},
	"software-other":           {"48000000", "Software package and information systems"},
	"hosting-infrastructure":   {"72500000", "Computer-related services"},
	"contact-centre-telephony": {"32550000", "Telephone equipment"},
}

// CategoryCPV returns the CPV code an export classifies category slug's
// contracts with, if there is one.
func CategoryCPV(slug string) (code, label string, ok bool) {
	c, ok := categoryCPV[slug]
	return c.Code, c.Label, ok
}
