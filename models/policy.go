package models

// Action is something a route lets a person do. Every route names one, and
// Allowed decides it from this one table, so who-may-do-what reads in one
// place. Rules about a particular thing (an officer edits only their own
// council's contracts; a sealed response stays sealed) sit with that
// thing's model and are asked as well.
type Action string

const (
	// ActionBrowse: public pages and the public API.
	ActionBrowse Action = "browse"
	// ActionSignIn: the sign-in, password reset and invitation pages.
	ActionSignIn Action = "sign-in"
	// ActionUseAccount: any signed-in person's own account, home and sign-out.
	ActionUseAccount Action = "use-account"
	// ActionInvite: inviting colleagues (see CanInvite for whom).
	ActionInvite Action = "invite"
	// ActionAdminister: the CIO council's administration pages.
	ActionAdminister Action = "administer"
	// ActionReadMetrics: Prometheus metrics.
	ActionReadMetrics Action = "read-metrics"
	// ActionReadRegister: councils' contract registers (CanReadRegisters).
	ActionReadRegister Action = "read-register"
	// ActionEditRegister: writing a register (CanEditRegister: officers
	// only their own council's).
	ActionEditRegister Action = "edit-register"
	// ActionManageSuppliers: merging suppliers.
	ActionManageSuppliers Action = "manage-suppliers"
	// ActionReadBids: the councils' joint bids workspace. Which bids a
	// person sees is the bid model's rule (bidAccess): drafts only within
	// the participating councils.
	ActionReadBids Action = "read-bids"
	// ActionEditBids: starting and co-authoring joint bids (officers of
	// participating councils, as bidAccess decides).
	ActionEditBids Action = "edit-bids"
	// ActionRespond: a supplier's side of an opportunity: following it,
	// asking questions and responding (models/response.go decides the rest).
	ActionRespond Action = "respond"
	// ActionWriteLibrary: writing, reviewing, adopting and adapting library
	// items (models/library.go decides which items).
	ActionWriteLibrary Action = "write-library"
)

var everyone = []Role{RoleAnonymous, RoleAdmin, RoleOfficer, RoleCouncillor, RoleSupplier}
var signedIn = []Role{RoleAdmin, RoleOfficer, RoleCouncillor, RoleSupplier}

var policy = map[Action][]Role{
	ActionBrowse:      everyone,
	ActionSignIn:      everyone,
	ActionUseAccount:  signedIn,
	ActionInvite:      {RoleAdmin, RoleOfficer, RoleSupplier},
	ActionAdminister:  {RoleAdmin},
	ActionReadMetrics: {RoleAdmin},
	// Suppliers see published opportunities, not what each council runs.
	ActionReadRegister:    {RoleAdmin, RoleOfficer, RoleCouncillor},
	ActionEditRegister:    {RoleAdmin, RoleOfficer},
	ActionManageSuppliers: {RoleAdmin},
	// Suppliers see published bids as opportunities, not the workspace.
	ActionReadBids: {RoleAdmin, RoleOfficer, RoleCouncillor},
	ActionEditBids: {RoleOfficer},
	ActionRespond:  {RoleSupplier},
	// Officers write for their council, administrators for the CIO council.
	ActionWriteLibrary: {RoleAdmin, RoleOfficer},
}

// Allowed reports whether a person with role may take action. An action
// missing from the table is refused to everyone.
func Allowed(role Role, action Action) bool {
	for _, r := range policy[action] {
		if r == role {
			return true
		}
	}
	return false
}

// KnownAction reports whether the policy table has a line for action.
func KnownAction(action Action) bool {
	_, ok := policy[action]
	return ok
}
