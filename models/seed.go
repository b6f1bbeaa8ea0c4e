package models

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// DemoPassword is every demo user's password. The demo seed is for trying
// Jointly out, never for a live service.
const DemoPassword = "jointly-demo-password" // #nosec G101 -- the demo seed's published password (README), for trying Jointly out; `seed --demo` is for demonstrations, never a live service

// DemoUser is one of the demo sign-ins.
type DemoUser struct {
	Email, Name string
	Role        Role
	Org         string
}

// SeedDemo loads the demo seed from seed (councils.csv, domains.csv,
// users.csv, and the registers: products.csv, register_councils.csv,
// estates.csv). It is idempotent: councils and contracts are upserted,
// domains and users that exist already are left alone. It returns the demo
// sign-ins.
func (db *DB) SeedDemo(ctx context.Context, seed fs.FS) ([]DemoUser, error) {
	f, err := seed.Open("seed/councils.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := db.ImportCouncils(ctx, 0, f); err != nil {
		return nil, fmt.Errorf("seed councils: %w", err)
	}
	domains, err := readSeedCSV(seed, "seed/domains.csv")
	if err != nil {
		return nil, err
	}
	byCouncil := map[string][]string{}
	var order []string
	for _, r := range domains {
		if _, ok := byCouncil[r["gss_code"]]; !ok {
			order = append(order, r["gss_code"])
		}
		byCouncil[r["gss_code"]] = append(byCouncil[r["gss_code"]], r["domain"])
	}
	for _, gss := range order {
		c, err := db.CouncilByGSS(ctx, gss)
		if err != nil {
			return nil, fmt.Errorf("seed domains: %w", err)
		}
		if len(c.EmailDomains) == 0 {
			if err := db.SetCouncilDomains(ctx, 0, gss, byCouncil[gss]); err != nil {
				return nil, fmt.Errorf("seed domains: %w", err)
			}
		}
	}
	users, err := readSeedCSV(seed, "seed/users.csv")
	if err != nil {
		return nil, err
	}
	var out []DemoUser
	for _, r := range users {
		n := NewUser{Email: r["email"], Name: r["name"], Role: Role(r["role"]), CouncilGSS: r["council"], SupplierName: r["supplier"], Password: DemoPassword}
		u, err := db.UserByEmail(ctx, n.Email)
		if errors.Is(err, ErrNotFound) {
			u, err = db.CreateUser(ctx, 0, n)
		}
		if err != nil {
			return nil, fmt.Errorf("seed user %s: %w", n.Email, err)
		}
		org := u.CouncilName
		if u.Role == RoleSupplier {
			org = u.SupplierName
		} else if u.Role == RoleAdmin {
			org = "CIO council"
		}
		out = append(out, DemoUser{Email: u.Email, Name: u.Name, Role: u.Role, Org: org})
	}
	if err := db.seedRegisters(ctx, seed); err != nil {
		return nil, err
	}
	return out, nil
}

func readSeedCSV(seed fs.FS, name string) ([]map[string]string, error) {
	f, err := seed.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", name)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = strings.TrimSpace(rec[i])
		}
		out = append(out, m)
	}
	return out, nil
}
