package handlers

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/azureadv2"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/openidConnect"

	"jointly/models"
)

// SSOProvider is one enabled single sign-on provider. Jointly calls goth's
// providers directly rather than through gothic, so there is no global
// provider registry and no second session store: the state and the
// provider's session live in our own database for ten minutes, bound to
// the browser by a cookie.
type SSOProvider struct {
	Name  string // in URLs: entra, google, oidc
	Label string // on the sign-in button
	// ownsEmail, when set, decides whether the signed-in account's email
	// is its own, instead of an email_verified claim the provider does not
	// send (Entra ID).
	ownsEmail func(ctx context.Context, accessToken, email string) (bool, error)
	build     func() (goth.Provider, error)
	mu        *sync.Mutex
	built     goth.Provider
}

// provider builds the goth provider on first use and keeps it once built:
// OpenID Connect discovery needs the network, and an identity provider that
// is down at start-up must not stop Jointly from starting.
func (p *SSOProvider) provider() (goth.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.built != nil {
		return p.built, nil
	}
	gp, err := p.build()
	if err != nil {
		return nil, err
	}
	gp.SetName(p.Name)
	p.built = gp
	return gp, nil
}

func callbackURL(baseURL, name string) string {
	return strings.TrimSuffix(baseURL, "/") + "/auth/" + name + "/callback"
}

// EntraProvider signs in with Microsoft Entra ID (Azure AD v2). tenant is
// a tenant ID or "organizations" for any work account.
func EntraProvider(baseURL, clientID, secret, tenant string) SSOProvider {
	if tenant == "" {
		tenant = "organizations"
	}
	client := &http.Client{Timeout: 10 * time.Second}
	return SSOProvider{Name: "entra", Label: "Microsoft", mu: &sync.Mutex{},
		ownsEmail: func(ctx context.Context, token, email string) (bool, error) {
			return tenantOwnsEmail(ctx, client, graphOrganizationURL, token, email)
		},
		build: func() (goth.Provider, error) {
			return azureadv2.New(clientID, secret, callbackURL(baseURL, "entra"), azureadv2.ProviderOptions{
				Tenant: azureadv2.TenantType(tenant),
				Scopes: []azureadv2.ScopeType{azureadv2.OpenIDScope, azureadv2.ProfileScope, azureadv2.EmailScope, "User.Read"},
			}), nil
		}}
}

// graphOrganizationURL is Microsoft Graph's description of the signed-in
// account's own organisation (its tenant), with the domains Microsoft has
// verified that the tenant owns. User.Read is enough to read it.
const graphOrganizationURL = "https://graph.microsoft.com/v1.0/organization?$select=verifiedDomains"

// tenantOwnsEmail reports whether email's domain is one of the domains the
// signed-in account's Entra tenant has proved it owns. Entra does not
// verify the mail address of an account: the administrator of any tenant
// can give one of their accounts someone else's address. With the
// "organizations" tenant (any work account) trusting that address would
// let any tenant sign in as anyone, so the address counts as verified only
// when the account's own tenant owns its domain.
func tenantOwnsEmail(ctx context.Context, client *http.Client, endpoint, token, email string) (bool, error) {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(email)), "@")
	if !ok || domain == "" || token == "" {
		return false, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return false, fmt.Errorf("Microsoft Graph organization: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("Microsoft Graph organization: %s", resp.Status)
	}
	var org struct {
		Value []struct {
			VerifiedDomains []struct {
				Name string `json:"name"`
			} `json:"verifiedDomains"`
		} `json:"value"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&org); err != nil {
		return false, fmt.Errorf("Microsoft Graph organization: %w", err)
	}
	for _, o := range org.Value {
		for _, d := range o.VerifiedDomains {
			if strings.EqualFold(d.Name, domain) {
				return true, nil
			}
		}
	}
	return false, nil
}

// GoogleProvider signs in with Google accounts (Google Workspace councils).
func GoogleProvider(baseURL, clientID, secret string) SSOProvider {
	return SSOProvider{Name: "google", Label: "Google", mu: &sync.Mutex{}, build: func() (goth.Provider, error) {
		return google.New(clientID, secret, callbackURL(baseURL, "google"), "openid", "email", "profile"), nil
	}}
}

// OIDCProvider signs in with any OpenID Connect provider, found by
// discovery from its issuer URL.
func OIDCProvider(baseURL, issuer, clientID, secret, label string) SSOProvider {
	if label == "" {
		label = "your organisation's account"
	}
	discovery := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	return SSOProvider{Name: "oidc", Label: label, mu: &sync.Mutex{}, build: func() (goth.Provider, error) {
		return openidConnect.New(clientID, secret, callbackURL(baseURL, "oidc"), discovery, "openid", "email", "profile")
	}}
}

func (h *Handlers) ssoProvider(name string) (*SSOProvider, error) {
	for i := range h.Config.SSO {
		if h.Config.SSO[i].Name == name {
			return &h.Config.SSO[i], nil
		}
	}
	return nil, fmt.Errorf("sign-on provider %q: %w", name, models.ErrNotFound)
}

type ssoAttempt struct {
	Session string `json:"session"`
	Next    string `json:"next"`
}

var errSSOUnavailable = &models.PublicError{Status: http.StatusBadGateway,
	Message: "We could not reach your organisation's sign-in service. Try again in a few minutes, or sign in with your email and password."}

// beginSSO sends the browser to the provider with a fresh state.
func (h *Handlers) beginSSO(c *gin.Context) {
	p, err := h.ssoProvider(c.Param("provider"))
	if err != nil {
		h.fail(c, err)
		return
	}
	gp, err := p.provider()
	if err != nil {
		h.Log.ErrorContext(c.Request.Context(), "sign-on provider", "provider", p.Name, "err", err.Error())
		h.fail(c, errSSOUnavailable)
		return
	}
	state := randomToken()
	sess, err := gp.BeginAuth(state)
	if err != nil {
		h.fail(c, err)
		return
	}
	authURL, err := sess.GetAuthURL()
	if err != nil {
		h.fail(c, err)
		return
	}
	attempt, _ := json.Marshal(ssoAttempt{Session: sess.Marshal(), Next: safeNext(c.Query("next"))})
	if err := h.DB.SaveSSOState(c.Request.Context(), state, p.Name, string(attempt)); err != nil {
		h.fail(c, err)
		return
	}
	h.setCookie(c, "jointly_sso_state", state, int(models.SSOStateTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, authURL)
}

var errSSOState = &models.PublicError{Status: http.StatusBadRequest,
	Message: "This sign-in has expired or was not started in this browser. Go back to the sign-in page and try again."}

// completeSSO is the provider's callback: check the state against this
// browser's cookie and our record (once only), exchange the code, and map
// the identity to a local user.
func (h *Handlers) completeSSO(c *gin.Context) {
	ctx := c.Request.Context()
	p, err := h.ssoProvider(c.Param("provider"))
	if err != nil {
		h.fail(c, err)
		return
	}
	state, mine := c.Query("state"), h.cookie(c, "jointly_sso_state")
	h.setCookie(c, "jointly_sso_state", "", -1)
	if state == "" || !hmac.Equal([]byte(state), []byte(mine)) {
		h.fail(c, errSSOState)
		return
	}
	raw, err := h.DB.TakeSSOState(ctx, state, p.Name)
	if errors.Is(err, models.ErrNotFound) {
		h.fail(c, errSSOState)
		return
	} else if err != nil {
		h.fail(c, err)
		return
	}
	if e := c.Query("error"); e != "" {
		h.fail(c, &models.PublicError{Status: http.StatusUnauthorized, Message: "Sign-in was cancelled or refused by " + p.Label + "."})
		return
	}
	var attempt ssoAttempt
	if err := json.Unmarshal([]byte(raw), &attempt); err != nil {
		h.fail(c, err)
		return
	}
	gp, err := p.provider()
	if err != nil {
		h.fail(c, errSSOUnavailable)
		return
	}
	sess, err := gp.UnmarshalSession(attempt.Session)
	if err != nil {
		h.fail(c, err)
		return
	}
	// Only the code goes on: goth would also take redirect_uri and
	// code_verifier from these parameters, which a crafted callback must
	// not be able to set.
	if _, err := sess.Authorize(gp, url.Values{"code": {c.Query("code")}}); err != nil {
		h.Log.WarnContext(ctx, "sign-on code exchange", "provider", p.Name, "err", err.Error())
		h.fail(c, errSSOUnavailable)
		return
	}
	gu, err := gp.FetchUser(sess)
	if err != nil {
		h.Log.WarnContext(ctx, "sign-on user", "provider", p.Name, "err", err.Error())
		h.fail(c, errSSOUnavailable)
		return
	}
	verified := claimTrue(gu.RawData, "email_verified") || claimTrue(gu.RawData, "verified_email")
	if p.ownsEmail != nil {
		if verified, err = p.ownsEmail(ctx, gu.AccessToken, gu.Email); err != nil {
			h.Log.WarnContext(ctx, "sign-on email ownership", "provider", p.Name, "err", err.Error())
			h.fail(c, errSSOUnavailable)
			return
		}
	}
	u, err := h.DB.SignInExternal(ctx, models.ExternalIdentity{
		Provider: p.Name, Subject: gu.UserID, Email: gu.Email, Name: gu.Name, EmailVerified: verified,
	})
	switch {
	case errors.Is(err, models.ErrUnknownDomain):
		h.setCookie(c, "jointly_sso_email", gu.Email, 600)
		seeOther(c, "/access")
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	h.signInAndGo(c, u, "", safeNext(attempt.Next))
}

func claimTrue(claims map[string]any, name string) bool {
	switch v := claims[name].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}
