package handlers

import (
	"github.com/gin-gonic/gin"

	"jointly/models"
)

// bindRoutes is the only place URLs are bound. Each route names the policy
// action it needs (models/policy.go); the authorize middleware asks the
// policy before the handler runs.
func (h *Handlers) bindRoutes(r *gin.Engine) {
	// Public.
	h.handle(r, "GET", "/", models.ActionBrowse, h.showHome)
	h.handle(r, "GET", "/councils", models.ActionBrowse, h.listCouncils)
	h.handle(r, "GET", "/councils/:gss", models.ActionBrowse, h.showCouncil)
	h.handle(r, "GET", "/api/v1/councils", models.ActionBrowse, h.apiListCouncils)
	h.handle(r, "GET", "/accessibility", models.ActionBrowse, h.showAccessibility)

	// Signing in.
	h.handle(r, "GET", "/login", models.ActionSignIn, h.newLogin)
	h.handle(r, "POST", "/login", models.ActionSignIn, h.createLogin)
	h.handle(r, "GET", "/access", models.ActionSignIn, h.showAccess)
	h.handle(r, "GET", "/auth/:provider", models.ActionSignIn, h.beginSSO)
	h.handle(r, "GET", "/auth/:provider/callback", models.ActionSignIn, h.completeSSO)
	h.handle(r, "GET", "/password/forgot", models.ActionSignIn, h.newPasswordReset)
	h.handle(r, "POST", "/password/forgot", models.ActionSignIn, h.createPasswordReset)
	h.handle(r, "GET", "/password/reset/:secret", models.ActionSignIn, h.editPassword)
	h.handle(r, "POST", "/password/reset/:secret", models.ActionSignIn, h.updatePassword)
	h.handle(r, "GET", "/invitations/:secret", models.ActionSignIn, h.showInvitation)
	h.handle(r, "POST", "/invitations/:secret", models.ActionSignIn, h.acceptInvitation)

	// Signed in: one's own account.
	h.handle(r, "POST", "/logout", models.ActionUseAccount, h.deleteLogin)
	h.handle(r, "GET", "/account", models.ActionUseAccount, h.showAccount)
	h.handle(r, "POST", "/account/sessions/delete", models.ActionUseAccount, h.deleteSessions)
	h.handle(r, "POST", "/account/tokens", models.ActionUseAccount, h.createToken)
	h.handle(r, "POST", "/account/tokens/:id/delete", models.ActionUseAccount, h.deleteToken)
	h.handle(r, "GET", "/api/v1/me", models.ActionUseAccount, h.apiMe)

	// Inviting colleagues: officers, suppliers and admins.
	h.handle(r, "GET", "/invitations/new", models.ActionInvite, h.newInvitation)
	h.handle(r, "POST", "/invitations", models.ActionInvite, h.createInvitation)

	// The contract register: pages (register.go, contracts.go).
	// -- register pages --
	h.handle(r, "GET", "/councils/:gss/contracts", models.ActionReadRegister, h.listContracts)
	h.handle(r, "GET", "/councils/:gss/contracts/new", models.ActionEditRegister, h.newContract)
	h.handle(r, "POST", "/councils/:gss/contracts", models.ActionEditRegister, h.createContract)
	h.handle(r, "POST", "/councils/:gss/register/confirm", models.ActionEditRegister, h.confirmRegister)
	h.handle(r, "GET", "/contracts/:id", models.ActionReadRegister, h.showContract)
	h.handle(r, "GET", "/contracts/:id/edit", models.ActionEditRegister, h.editContract)
	h.handle(r, "POST", "/contracts/:id", models.ActionEditRegister, h.updateContract)
	h.handle(r, "GET", "/contracts/:id/delete", models.ActionEditRegister, h.confirmDeleteContract)
	h.handle(r, "POST", "/contracts/:id/delete", models.ActionEditRegister, h.deleteContract)

	// The contract register: imports (imports.go).
	// -- register imports --
	h.handle(r, "GET", "/councils/:gss/contracts/import", models.ActionEditRegister, h.newContractImport)
	h.handle(r, "POST", "/councils/:gss/contracts/import", models.ActionEditRegister, h.previewContractImport)
	h.allowBody("POST", "/councils/:gss/contracts/import", importBodyBytes)
	h.handle(r, "POST", "/councils/:gss/contracts/import/confirm", models.ActionEditRegister, h.importContracts)

	// The contract register: exports (exports.go).
	// -- register exports --
	h.handle(r, "GET", "/councils/:gss/contracts.csv", models.ActionReadRegister, h.showRegisterCSV)
	h.handle(r, "GET", "/councils/:gss/contracts.ocds.json", models.ActionReadRegister, h.showRegisterOCDS)

	// The contract register: JSON API (api_contracts.go).
	// -- register api --
	h.handle(r, "GET", "/api/v1/openapi.json", models.ActionBrowse, h.apiOpenAPI)
	h.handle(r, "GET", "/api/v1/categories", models.ActionBrowse, h.apiListCategories)
	h.handle(r, "GET", "/api/v1/suppliers", models.ActionReadRegister, h.apiSearchSuppliers)
	h.handle(r, "GET", "/api/v1/councils/:gss/contracts", models.ActionReadRegister, h.apiListContracts)
	h.handle(r, "POST", "/api/v1/councils/:gss/contracts", models.ActionEditRegister, h.apiCreateContract)
	h.handle(r, "GET", "/api/v1/contracts/:id", models.ActionReadRegister, h.apiShowContract)
	h.handle(r, "PUT", "/api/v1/contracts/:id", models.ActionEditRegister, h.apiUpdateContract)
	h.handle(r, "DELETE", "/api/v1/contracts/:id", models.ActionEditRegister, h.apiDeleteContract)

	// Discovery: partner matching and expressions of interest (partners.go).
	// -- discovery partners --
	h.handle(r, "GET", "/contracts/:id/partners", models.ActionReadRegister, h.showContractPartners)
	h.handle(r, "POST", "/contracts/:id/partners/:partner_contract_id/interest", models.ActionEditRegister, h.createInterest)
	h.handle(r, "GET", "/councils/:gss/partners", models.ActionReadRegister, h.listCouncilPartners)
	h.handle(r, "GET", "/api/v1/councils/:gss/partners", models.ActionReadRegister, h.apiListPartners)

	// Discovery: overlaps (overlaps.go).
	// -- discovery overlaps --
	h.handle(r, "GET", "/overlaps", models.ActionReadRegister, h.listOverlaps)
	h.handle(r, "GET", "/overlaps/products/:id", models.ActionReadRegister, h.showProductOverlap)
	h.handle(r, "GET", "/overlaps/suppliers/:id", models.ActionReadRegister, h.showSupplierOverlap)
	h.handle(r, "GET", "/overlaps/categories/:slug", models.ActionReadRegister, h.showCategoryOverlap)
	h.handle(r, "GET", "/api/v1/overlaps", models.ActionReadRegister, h.apiShowOverlap)

	// Discovery: legacy radar and market concentration (legacy.go, concentration.go).
	// -- discovery legacy and concentration --
	h.handle(r, "GET", "/legacy", models.ActionReadRegister, h.showLegacy)
	h.handle(r, "GET", "/concentration", models.ActionReadRegister, h.listConcentration)
	h.handle(r, "GET", "/concentration/:slug", models.ActionReadRegister, h.showConcentration)
	h.handle(r, "GET", "/api/v1/concentration", models.ActionReadRegister, h.apiShowConcentration)

	// Joint bids: reading (bids.go), starting (bid_new.go), details and cancelling
	// (bid_edit.go), inviting councils (bid_invitations.go).
	// -- bid pages --
	h.handle(r, "GET", "/bids", models.ActionReadBids, h.listBids)
	h.handle(r, "GET", "/bids/new", models.ActionEditBids, h.newBid)
	h.handle(r, "POST", "/bids", models.ActionEditBids, h.createBid)
	h.handle(r, "GET", "/bids/:id", models.ActionReadBids, h.showBid)
	h.handle(r, "GET", "/bids/:id/activity", models.ActionReadBids, h.showBidActivity)
	h.handle(r, "GET", "/bids/:id/edit", models.ActionEditBids, h.editBid)
	h.handle(r, "POST", "/bids/:id", models.ActionEditBids, h.updateBid)
	h.handle(r, "POST", "/bids/:id/invitations", models.ActionEditBids, h.inviteCouncil)
	h.handle(r, "POST", "/bids/:id/invitations/:gss/accept", models.ActionEditBids, h.acceptBidInvitation)
	h.handle(r, "POST", "/bids/:id/invitations/:gss/decline", models.ActionEditBids, h.declineBidInvitation)
	h.handle(r, "GET", "/bids/:id/cancel", models.ActionEditBids, h.confirmCancelBid)
	h.handle(r, "POST", "/bids/:id/cancel", models.ActionEditBids, h.cancelBid)

	// Joint bids: co-authoring sections (bid_sections.go), versions (bid_versions.go)
	// and comments (bid_comments.go).
	// -- bid sections --
	h.handle(r, "POST", "/bids/:id/sections", models.ActionEditBids, h.addSection)
	h.handle(r, "GET", "/bids/:id/sections/:section_id", models.ActionReadBids, h.showSection)
	h.handle(r, "GET", "/bids/:id/sections/:section_id/edit", models.ActionEditBids, h.editSection)
	h.handle(r, "POST", "/bids/:id/sections/:section_id", models.ActionEditBids, h.saveSection)
	h.handle(r, "POST", "/bids/:id/sections/:section_id/move", models.ActionEditBids, h.moveSection)
	h.handle(r, "GET", "/bids/:id/sections/:section_id/versions", models.ActionReadBids, h.listSectionVersions)
	h.handle(r, "POST", "/bids/:id/sections/:section_id/comments", models.ActionEditBids, h.createComment)
	h.handle(r, "POST", "/bids/:id/comments/:comment_id/resolve", models.ActionEditBids, h.resolveComment)

	// Joint bids: criteria (bid_criteria.go), each council's needs and sign-off
	// (bid_signoff.go), publishing (bid_publish.go).
	// -- bid sign-off --
	h.handle(r, "GET", "/bids/:id/criteria", models.ActionEditBids, h.editCriteria)
	h.handle(r, "POST", "/bids/:id/criteria", models.ActionEditBids, h.updateCriteria)
	h.handle(r, "GET", "/bids/:id/participants/:gss", models.ActionEditBids, h.editParticipant)
	h.handle(r, "POST", "/bids/:id/participants/:gss", models.ActionEditBids, h.updateParticipant)
	h.handle(r, "POST", "/bids/:id/signoff/request", models.ActionEditBids, h.requestSignOff)
	h.handle(r, "POST", "/bids/:id/signoff", models.ActionEditBids, h.signOffBid)
	h.handle(r, "GET", "/bids/:id/publish", models.ActionEditBids, h.newPublication)
	h.handle(r, "POST", "/bids/:id/publish", models.ActionEditBids, h.publishBid)

	// Joint bids: JSON API (api_bids.go, api_bid_json.go).
	// -- bid api --
	h.handle(r, "GET", "/api/v1/bids", models.ActionReadBids, h.apiListBids)
	h.handle(r, "POST", "/api/v1/bids", models.ActionEditBids, h.apiCreateBid)
	h.handle(r, "GET", "/api/v1/bids/:id", models.ActionReadBids, h.apiShowBid)
	h.handle(r, "GET", "/api/v1/bids/:id/sections/:section_id", models.ActionReadBids, h.apiShowSection)
	h.handle(r, "PUT", "/api/v1/bids/:id/sections/:section_id", models.ActionEditBids, h.apiSaveSection)
	h.handle(r, "PUT", "/api/v1/bids/:id/criteria", models.ActionEditBids, h.apiSetCriteria)
	h.handle(r, "POST", "/api/v1/bids/:id/invitations/:gss/accept", models.ActionEditBids, h.apiAcceptInvitation)
	h.handle(r, "POST", "/api/v1/bids/:id/invitations/:gss/decline", models.ActionEditBids, h.apiDeclineInvitation)
	h.handle(r, "POST", "/api/v1/bids/:id/signoff", models.ActionEditBids, h.apiSignOff)
	h.handle(r, "POST", "/api/v1/bids/:id/publish", models.ActionEditBids, h.apiPublishBid)

	// Opportunities: published bids for suppliers, readable without signing in (opportunities.go).
	// -- opportunities --
	h.handle(r, "GET", "/opportunities", models.ActionBrowse, h.listOpportunities)
	h.handle(r, "GET", "/opportunities/:id", models.ActionBrowse, h.showOpportunity)
	h.handle(r, "POST", "/opportunities/:id/follow", models.ActionRespond, h.followOpportunity)
	h.handle(r, "GET", "/api/v1/opportunities", models.ActionBrowse, h.apiListOpportunities)
	h.handle(r, "GET", "/api/v1/opportunities/:id", models.ActionBrowse, h.apiShowOpportunity)

	// Clarification questions and answers (questions.go).
	// -- clarifications --
	h.handle(r, "POST", "/opportunities/:id/questions", models.ActionRespond, h.askQuestion)
	h.handle(r, "GET", "/bids/:id/questions", models.ActionReadBids, h.listBidQuestions)
	h.handle(r, "POST", "/bids/:id/questions/:qid/answer", models.ActionEditBids, h.answerQuestion)
	h.handle(r, "POST", "/api/v1/opportunities/:id/questions", models.ActionRespond, h.apiAskQuestion)
	h.handle(r, "POST", "/api/v1/bids/:id/questions/:qid/answer", models.ActionEditBids, h.apiAnswerQuestion)

	// Sealed responses: the supplier's side (responses.go).
	// -- responses --
	h.handle(r, "GET", "/opportunities/:id/response", models.ActionRespond, h.editResponse)
	h.handle(r, "POST", "/opportunities/:id/response", models.ActionRespond, h.saveResponse)
	h.allowBody("POST", "/opportunities/:id/response", sealedResponseBodyBytes)
	h.handle(r, "POST", "/opportunities/:id/response/withdraw", models.ActionRespond, h.withdrawResponse)
	h.handle(r, "GET", "/api/v1/opportunities/:id/response", models.ActionRespond, h.apiShowResponse)
	h.handle(r, "PUT", "/api/v1/opportunities/:id/response", models.ActionRespond, h.apiSaveResponse)
	h.allowBody("PUT", "/api/v1/opportunities/:id/response", sealedResponseBodyBytes)
	h.handle(r, "POST", "/api/v1/opportunities/:id/response/withdraw", models.ActionRespond, h.apiWithdrawResponse)

	// Evaluation: panel, declarations, reading and scoring responses (evaluation.go).
	// -- evaluation --
	h.handle(r, "GET", "/bids/:id/panel", models.ActionReadBids, h.showPanel)
	h.handle(r, "POST", "/bids/:id/panel", models.ActionEditBids, h.addPanelMember)
	h.handle(r, "POST", "/bids/:id/panel/:user_id/delete", models.ActionEditBids, h.removePanelMember)
	h.handle(r, "POST", "/bids/:id/panel/declaration", models.ActionEditBids, h.declareInterests)
	h.handle(r, "GET", "/bids/:id/responses", models.ActionEditBids, h.listResponses)
	h.handle(r, "GET", "/bids/:id/responses/:rid", models.ActionEditBids, h.showResponse)
	h.handle(r, "POST", "/bids/:id/responses/:rid/scores", models.ActionEditBids, h.saveScores)
	h.handle(r, "POST", "/bids/:id/scores/submit", models.ActionEditBids, h.submitScores)
	h.handle(r, "POST", "/bids/:id/responses/:rid/moderation", models.ActionEditBids, h.saveModeration)
	h.handle(r, "GET", "/bids/:id/evaluation.csv", models.ActionEditBids, h.showEvaluationCSV)
	h.handle(r, "GET", "/api/v1/bids/:id/responses", models.ActionEditBids, h.apiListResponses)
	h.handle(r, "PUT", "/api/v1/bids/:id/responses/:rid/scores", models.ActionEditBids, h.apiSaveScores)

	// Award and the bid's OCDS release package (award.go).
	// -- award --
	h.handle(r, "GET", "/bids/:id/award", models.ActionEditBids, h.newAward)
	h.handle(r, "POST", "/bids/:id/award", models.ActionEditBids, h.createAward)
	h.handle(r, "POST", "/api/v1/bids/:id/award", models.ActionEditBids, h.apiAwardBid)
	h.handle(r, "GET", "/api/v1/bids/:id/ocds.json", models.ActionBrowse, h.apiBidOCDS)

	// Suppliers registering themselves, and their profile (supplier_registration.go).
	// -- supplier registration --
	h.handle(r, "GET", "/suppliers/register", models.ActionSignIn, h.newSupplierRegistration)
	h.handle(r, "POST", "/suppliers/register", models.ActionSignIn, h.createSupplierRegistration)
	h.handle(r, "GET", "/suppliers/verify/:secret", models.ActionSignIn, h.verifySupplierEmail)
	h.handle(r, "GET", "/supplier/profile", models.ActionRespond, h.editSupplierProfile)
	h.handle(r, "POST", "/supplier/profile", models.ActionRespond, h.updateSupplierProfile)
	h.handle(r, "POST", "/admin/suppliers/:id/link", models.ActionManageSuppliers, h.linkSupplier)

	// The library: playbooks, briefings, templates and case studies (library.go, library_edit.go, library_versions.go, library_attachments.go).
	// -- library --
	h.handle(r, "GET", "/library", models.ActionBrowse, h.listLibrary)
	h.handle(r, "GET", "/library/:id", models.ActionBrowse, h.showLibraryItem)
	h.handle(r, "POST", "/library/:id/adopt", models.ActionWriteLibrary, h.adoptLibraryItem)
	h.handle(r, "POST", "/library/:id/adapt", models.ActionWriteLibrary, h.adaptLibraryItem)
	h.handle(r, "GET", "/library/new", models.ActionWriteLibrary, h.newLibraryItem)
	h.handle(r, "POST", "/library", models.ActionWriteLibrary, h.createLibraryItem)
	h.handle(r, "GET", "/library/:id/edit", models.ActionWriteLibrary, h.editLibraryItem)
	h.handle(r, "POST", "/library/:id", models.ActionWriteLibrary, h.updateLibraryItem)
	h.handle(r, "POST", "/library/:id/submit", models.ActionWriteLibrary, h.submitLibraryItem)
	h.handle(r, "POST", "/library/:id/approve", models.ActionWriteLibrary, h.approveLibraryItem)
	h.handle(r, "POST", "/library/:id/return", models.ActionWriteLibrary, h.returnLibraryItem)
	h.handle(r, "GET", "/library/:id/versions", models.ActionBrowse, h.listLibraryVersions)
	h.handle(r, "POST", "/library/:id/versions/:version/restore", models.ActionWriteLibrary, h.restoreLibraryVersion)
	h.handle(r, "POST", "/library/:id/attachments", models.ActionWriteLibrary, h.createAttachment)
	h.allowBody("POST", "/library/:id/attachments", attachmentBodyBytes)
	h.handle(r, "GET", "/library/:id/attachments/:attachment_id", models.ActionBrowse, h.showAttachment)
	h.handle(r, "POST", "/library/:id/attachments/:attachment_id/delete", models.ActionWriteLibrary, h.deleteAttachment)

	// Search across the library, registers, suppliers and bids (search.go).
	// -- search --
	h.handle(r, "GET", "/search", models.ActionBrowse, h.showSearch)
	h.handle(r, "GET", "/api/v1/search", models.ActionBrowse, h.apiSearch)

	// Councillor briefings and the glossary (briefings.go, glossary.go).
	// -- briefings --
	h.handle(r, "GET", "/briefings", models.ActionBrowse, h.listBriefings)
	h.handle(r, "GET", "/councils/:gss/briefing", models.ActionReadRegister, h.showCouncilBriefing)
	h.handle(r, "GET", "/glossary", models.ActionBrowse, h.showGlossary)
	h.handle(r, "GET", "/admin/glossary", models.ActionAdminister, h.listGlossaryTerms)
	h.handle(r, "POST", "/admin/glossary", models.ActionAdminister, h.createGlossaryTerm)
	h.handle(r, "POST", "/admin/glossary/:id", models.ActionAdminister, h.updateGlossaryTerm)
	h.handle(r, "POST", "/admin/glossary/:id/delete", models.ActionAdminister, h.deleteGlossaryTerm)

	// Scheduled jobs and the mail log (jobs_admin.go, mail_log.go); digest
	// preferences and the one-click unsubscribe link (digest_prefs.go).
	// -- jobs and mail --
	h.handle(r, "GET", "/admin/jobs", models.ActionAdminister, h.listJobs)
	h.handle(r, "GET", "/admin/jobs/:name", models.ActionAdminister, h.showJob)
	h.handle(r, "POST", "/admin/jobs/:name/run", models.ActionAdminister, h.runJob)
	h.handle(r, "GET", "/admin/mail", models.ActionAdminister, h.listMail)
	h.handle(r, "GET", "/account/digest", models.ActionUseAccount, h.editDigest)
	h.handle(r, "POST", "/account/digest", models.ActionUseAccount, h.updateDigest)
	// Like the password reset link, the unsubscribe link is for whoever
	// holds it, signed in or not; its POST needs no form token (noFormToken).
	h.handle(r, "GET", unsubscribePath, models.ActionSignIn, h.confirmUnsubscribe)
	h.handle(r, "POST", unsubscribePath, models.ActionSignIn, h.unsubscribe)

	// The CIO council's administrators.
	h.handle(r, "GET", "/admin/users", models.ActionAdminister, h.listUsers)
	h.handle(r, "POST", "/councils/:gss/domains", models.ActionAdminister, h.updateCouncilDomains)
	h.handle(r, "GET", "/metrics", models.ActionReadMetrics, h.serveMetrics)
	h.handle(r, "GET", "/admin/suppliers", models.ActionManageSuppliers, h.listSuppliers)
	h.handle(r, "POST", "/admin/suppliers/merge", models.ActionManageSuppliers, h.mergeSuppliers)
}

// bindSessionlessRoutes binds the routes that need no session: assets and
// the health check.
func (h *Handlers) bindSessionlessRoutes(r *gin.Engine) {
	h.handle(r, "GET", "/healthz", models.ActionBrowse, h.healthz)
	h.handle(r, "GET", "/assets/*file", models.ActionBrowse, gin.WrapH(h.assets))
}

// noFormToken are the routes whose POST is exempt from the form (CSRF)
// token, because a signed token in the URL is the credential and the
// request legitimately comes from elsewhere: a mail client's one-click
// unsubscribe (RFC 8058) posts from its own server, with no cookies and
// no form. The cross-origin check still applies to them (auth.go, csrf).
var noFormToken = map[string]bool{
	"POST " + unsubscribePath: true,
}

// handle binds one route behind the policy check and records it.
func (h *Handlers) handle(r *gin.Engine, method, path string, action models.Action, fn gin.HandlerFunc) {
	if !models.KnownAction(action) {
		panic("route " + method + " " + path + ": action " + string(action) + " is not in the policy")
	}
	h.routes[method+" "+path] = action
	r.Handle(method, path, h.authorize(action), fn)
}
