package models

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
)

// scaleCatalogue is the real product catalogue: data/seed/products.csv,
// with each product's categories from the lines of business that run it
// in data/seed/estates.csv.
type scaleCatalogue struct {
	products   []seedProduct // in the file's order
	categories [][]string    // by product: its categories in the lines' order, the first its own
}

func readScaleCatalogue(seed fs.FS) (scaleCatalogue, error) {
	var c scaleCatalogue
	if seed == nil {
		return c, errors.New("national scale: no product catalogue (data.Seed)")
	}
	byKey, err := readSeedProducts(seed)
	if err != nil {
		return c, err
	}
	rows, err := readSeedCSV(seed, "seed/products.csv")
	if err != nil {
		return c, err
	}
	estates, err := readSeedCSV(seed, "seed/estates.csv")
	if err != nil {
		return c, err
	}
	cats := map[string][]string{}
	for _, line := range estates {
		for col, key := range line {
			if _, ok := byKey[key]; !ok || col == "line" {
				continue
			}
			if !slices.Contains(cats[key], line["category"]) {
				cats[key] = append(cats[key], line["category"])
			}
		}
	}
	for _, r := range rows {
		key := r["key"]
		if len(cats[key]) == 0 {
			return c, fmt.Errorf("seed/products.csv: %s is in no line of business in seed/estates.csv, so has no category", key)
		}
		c.products = append(c.products, byKey[key])
		c.categories = append(c.categories, cats[key])
	}
	return c, nil
}

var (
	scaleHosting = []string{HostingOnPremises, HostingHosted, HostingSaaS, HostingSaaS, ""}
	scaleRoutes  = []string{"tender", "framework", "framework", "quote", "direct", ""}
	scaleNotice  = []int{3, 3, 6, 6, 6, 9, 12}
)

// appendContract appends the column values of the i-th contract, of the
// council at index ci, to args.
func (g *scaleGen) appendContract(args []any, i, ci int) []any {
	r, c := g.rng, g.councils[ci]
	cat := g.pick(g.catCum[c.typ])
	// A council mostly buys again what it runs already.
	slot := &g.usual[ci*len(g.categories)+cat]
	o := int(*slot)
	if o < 0 || r.IntN(100) >= 70 {
		o = g.pick(g.offerCum[cat])
		if *slot < 0 {
			*slot = int32(o) // #nosec G115 -- o indexes one category's offers: a few dozen
		}
	}
	offer := g.offers[cat][o]
	p := offer.product
	// Values by council size: a council twice the size pays about half as
	// much again, as in the demo registers.
	size := math.Pow(float64(c.population)/300000, 0.6)

	var (
		title, hosting, route string
		sme                   any
		productID             int64
		eos                   Date
		term, notice, rollPct int
		pounds                float64
	)
	if p != nil {
		title, productID, eos = p.name+" licence and support", offer.productID, p.endOfSupport
		if len(p.hosting) > 0 {
			hosting = p.hosting[r.IntN(len(p.hosting))]
		}
		if p.sme != nil {
			sme = *p.sme
		}
		route, term, notice, rollPct = p.route, p.termYears, p.noticeMonths, p.rollingPercent
		if r.IntN(4) == 0 {
			notice = scaleNotice[r.IntN(len(scaleNotice))]
		}
		pounds = float64(p.annualMin) + float64(p.annualMax-p.annualMin)*r.Float64()
	} else {
		title, sme = g.categories[cat].name+" services", true
		hosting, route = scaleHosting[r.IntN(len(scaleHosting))], scaleRoutes[r.IntN(len(scaleRoutes))]
		term, notice = 2+r.IntN(4), scaleNotice[r.IntN(len(scaleNotice))]
		pounds = math.Exp(math.Log(5000) + r.Float64()*math.Log(50)) // £5,000 to £250,000, most of them small
	}
	annual := int64(math.Round(pounds*size/10)) * 1000

	var start, end, maxExt Date
	var total any
	intended, times := false, 0
	if r.IntN(100) < max(rollPct, 3) {
		// Rolling: renews each year until either side gives notice.
		start = g.today.AddMonths(-12*(1+r.IntN(8)) - r.IntN(12))
		g.rolling++
	} else {
		// Ends over the next ten years (a contract's term and an extension
		// ahead at most); one in twelve has lapsed and runs on.
		if r.IntN(12) == 0 {
			end = g.today.AddDays(-1 - r.IntN(365))
		} else {
			end = g.today.AddDays(1 + r.IntN(min(3650, 365*(term+2))))
		}
		switch x := r.IntN(100); {
		case x < 6:
			times = 2 + r.IntN(2)
		case x < 20:
			times = 1
		}
		if r.IntN(100) < 30 {
			maxExt = end.AddMonths(12 * (1 + r.IntN(2)))
			intended = r.IntN(2) == 0
		}
		months := 12 * (term + times)
		start = end.AddDays(1).AddMonths(-months)
		if r.IntN(25) == 0 {
			// Some systems have run for well over ten years.
			start = g.today.AddMonths(-12 * (11 + r.IntN(8)))
			months = int(start.DaysUntil(end) / 30)
		}
		total = annual * int64(months) / 12
	}
	if (hosting == HostingOnPremises && !eos.IsZero() && eos.Before(g.today)) || times > 1 || start.Before(g.today.AddMonths(-120)) {
		g.legacy++
	}
	window := DecisionWindow(end, maxExt, intended, notice, DefaultLeadTimeMonths)
	return append(args,
		c.gss, fmt.Sprintf("NAT-%07d", i+1), title, offer.supplierID, nullID(productID), g.categories[cat].slug,
		total, annual, start, end, maxExt, intended, times, notice, route,
		sme, hosting, eos, window, scaleSource, g.stamp, g.stamp)
}
