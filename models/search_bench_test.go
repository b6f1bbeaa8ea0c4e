package models_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"jointly/models"
	"jointly/testutil"
)

// BenchmarkSearch measures search (models.DB.Search) at the scale:
// every UK council with 400,000 contracts (testutil.LoadNationalScale over
// the demo seed), 5,000 library items written, sent for review and
// approved through the library's own model calls (so they reach the index
// the way every item does), and 40 draft joint bids. bench/SEARCH.md has
// the figures. Loading takes a few minutes; run with:
//
//	go test -tags sqlite_fts5 -run '^$' -bench Search -benchtime 200x ./models
//
// Each query has its own benchmark (ns/op), and each "mix" runs the whole
// list of queries round-robin as one kind of person, timing every call,
// and reports the 50th, 95th and 99th percentiles in milliseconds. Both
// report the CPU time of the calling thread as well (cpu-…): on a shared
// machine wall time also measures the neighbours. SEARCH_BENCH_CONTRACTS
// sets a smaller register for a quick look while changing the queries.
func BenchmarkSearch(b *testing.B) {
	contracts := 400_000
	if s := os.Getenv("SEARCH_BENCH_CONTRACTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		contracts = n
	}
	db, _ := testutil.SeededDB(b)
	testutil.LoadNationalScale(b, db, contracts)
	start := time.Now()
	loadSearchLibrary(b, db, 5_000)
	loadSearchBids(b, db, 40)
	b.Logf("5,000 library items and 40 bids in %s", time.Since(start).Round(time.Millisecond))
	if _, err := db.W.Exec(`PRAGMA optimize`); err != nil {
		b.Fatal(err)
	}

	ctx := context.Background()
	viewers := []struct {
		name string
		user models.User
	}{
		{"officer", mustUserByEmail(b, db, testutil.OfficerEmail)},
		{"councillor", mustUserByEmail(b, db, testutil.CouncillorEmail)},
		{"supplier", mustUserByEmail(b, db, testutil.SupplierEmail)},
		{"anonymous", models.User{}},
	}
	officer := viewers[0].user
	for _, q := range searchBenchQueries {
		rs, err := db.Search(ctx, officer, models.SearchQuery{Q: q})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%-22q %2d results, first %s", q, len(rs), firstResult(rs))
	}
	for _, q := range searchBenchQueries {
		b.Run("q="+strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu := threadCPU()
			for b.Loop() {
				if _, err := db.Search(ctx, officer, models.SearchQuery{Q: q}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(threadCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
	for _, v := range viewers {
		b.Run("mix/"+v.name, func(b *testing.B) {
			// One OS thread for the whole loop, so the thread's CPU time
			// is this goroutine's: on a shared machine wall time also
			// measures the neighbours.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var wall, cpu []time.Duration
			i := 0
			for b.Loop() {
				q := searchBenchQueries[i%len(searchBenchQueries)]
				i++
				t0, c0 := time.Now(), threadCPU()
				if _, err := db.Search(ctx, v.user, models.SearchQuery{Q: q}); err != nil {
					b.Fatal(err)
				}
				wall, cpu = append(wall, time.Since(t0)), append(cpu, threadCPU()-c0)
			}
			reportPercentiles(b, "", wall)
			reportPercentiles(b, "cpu-", cpu)
		})
	}
}

// searchBenchQueries are what people type: common words (in most of the
// register, or of the library), product and supplier names, two and
// three words, the start of a word (matched as a prefix), and one letter.
var searchBenchQueries = []string{
	"system", "support", "services", "contract", "cloud",
	"capita", "civica", "northgate", "oracle", "microsoft",
	"idox uniform", "itrent", "liquidlogic", "salesforce service cloud",
	"revenues benefits", "social care", "data sharing", "exit plan", "joint procurement",
	"rev", "proc", "cyb", "hous", "s",
	"standstill", "zellis resourcelink",
}

func firstResult(rs []models.SearchResult) string {
	if len(rs) == 0 {
		return "-"
	}
	return rs[0].Type + " " + strconv.Quote(rs[0].Title)
}

// reportPercentiles reports the 50th, 95th and 99th percentiles of took
// and its maximum, in milliseconds, each unit named with prefix.
func reportPercentiles(b *testing.B, prefix string, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	for _, p := range []int{50, 95, 99} {
		// The nearest-rank percentile: the smallest value at or above p%
		// of the calls.
		i := max(0, (p*len(took)+99)/100-1)
		b.ReportMetric(ms(took[i]), fmt.Sprintf("%sp%d-ms", prefix, p))
	}
	b.ReportMetric(ms(took[len(took)-1]), prefix+"max-ms")
}

// threadCPU is the CPU time the calling OS thread has used, to the
// nanosecond (getrusage counts in scheduler ticks of 4 ms).
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// Words the generated library is written in.
var (
	searchTopics = []string{"revenues and benefits", "housing management", "adults' social care", "children's social care",
		"waste and recycling", "parking enforcement", "payroll", "HR and payroll", "finance", "planning and building control",
		"libraries", "electoral registration", "customer relationship management", "data warehouse", "cyber security",
		"cloud hosting", "the wide area network", "telephony", "Microsoft 365", "document management", "education management",
		"fleet management", "licensing", "environmental health", "highways asset management", "regulatory services"}
	searchProducts = []string{"Civica OpenRevenues", "NEC Revenues & Benefits", "Capita One", "Idox Uniform", "iTrent",
		"Oracle Fusion Cloud ERP", "SAP S/4HANA", "Liquidlogic LAS", "Mosaic", "Salesforce Service Cloud",
		"Microsoft Dynamics 365", "Unit4 ERP", "Bartec Collective", "Whitespace Work", "Tribal Synergy", "ResourceLink"}
	searchSuppliers = []string{"Capita", "Civica", "Northgate", "NEC", "Oracle", "SAP", "Microsoft", "Idox", "Zellis",
		"Liquidlogic", "Servelec", "Agilisys", "Netcall", "Unit4", "MHR", "Tribal"}
	searchTags = []string{"procurement", "exit planning", "cloud", "security", "data protection", "councillors", "collaboration",
		"frameworks", "contract management", "legacy", "open standards", "interoperability", "budget", "risk", "digital"}
	searchSentences = []string{
		"Before the %[1]s contract ends, agree an exit plan with %[3]s and test that your data can be exported.",
		"Councils that share %[1]s can buy together through a framework, and compare what they pay for %[2]s.",
		"Ask %[3]s for the end of support dates of %[2]s, and plan the replacement system at least two years ahead.",
		"A joint procurement for %[1]s needs a lead authority, a memorandum of understanding and one evaluation panel.",
		"Record every %[1]s contract in the register, with its notice period, so the decision window is not missed.",
		"Councillors should ask how %[1]s supports residents, what it costs each year and what happens when the contract ends.",
		"Moving %[2]s to cloud hosting changes the risks: read the supplier's security statement and the NCSC principles.",
		"Open standards and published interfaces let %[1]s share data with other systems without paying %[3]s for each change.",
		"Carry out a data protection impact assessment before sharing %[1]s data with a partner council or a supplier.",
		"Deliver the change in twelve-week phases, showing working software for %[1]s to users at the end of each phase.",
		"The standstill period gives bidders time to challenge the award before the %[1]s contract is signed.",
		"Keep a risk log for the %[2]s migration and review it with %[3]s at every project board.",
		"Budget for training, data cleansing and parallel running, not only for the %[2]s licence and support.",
		"Several councils in the region run %[2]s from %[3]s, which makes them natural partners for the next procurement.",
	}
)

// loadSearchLibrary writes n library items through the model: a third each
// by Leeds's and Bradford's officers and the CIO council's administrator.
// Of every ten, eight are sent for review and approved by someone from
// another council, one waits in review and one stays a draft.
func loadSearchLibrary(b testing.TB, db *models.DB, n int) {
	b.Helper()
	ctx := context.Background()
	leeds, bradford := mustUserByEmail(b, db, testutil.OfficerEmail), mustUserByEmail(b, db, testutil.Officer2Email)
	admin := mustUserByEmail(b, db, testutil.AdminEmail)
	r := rand.New(rand.NewPCG(7, 2026))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	audiences := []string{models.AudienceOfficers, models.AudienceOfficers, models.AudienceOfficers, models.AudienceCouncillors,
		models.AudienceCouncillors, models.AudienceSuppliers, models.AudienceEveryone, models.AudienceEveryone}
	titles := []string{"Exit planning for %s", "Buying %s together", "%s: what councillors should ask", "Replacing %s",
		"Case study: %s shared across three councils", "Template: %s requirements", "Moving %s to the cloud", "Securing %s"}
	for i := range n {
		topic := pick(searchTopics)
		var body strings.Builder
		for p := range 4 + r.IntN(8) {
			if p > 0 && r.IntN(3) == 0 {
				fmt.Fprintf(&body, "## %s\n\n", strings.ToUpper(topic[:1])+topic[1:])
			}
			for range 3 + r.IntN(4) {
				fmt.Fprintf(&body, pick(searchSentences)+" ", topic, pick(searchProducts), pick(searchSuppliers))
			}
			body.WriteString("\n\n")
		}
		in := models.LibraryInput{
			Kind:     models.LibraryKinds[i%len(models.LibraryKinds)],
			Title:    fmt.Sprintf(pick(titles), topic) + fmt.Sprintf(" (%d)", i+1),
			Summary:  fmt.Sprintf("How councils handle %s with %s, and what to agree with %s.", topic, pick(searchProducts), pick(searchSuppliers)),
			Body:     body.String(),
			Audience: pick(audiences),
			Tags:     []string{pick(searchTags), pick(searchTags), pick(searchTags)},
		}
		author, reviewer := leeds, bradford
		switch i % 3 {
		case 1:
			author, reviewer = bradford, leeds
		case 2:
			author, reviewer = admin, leeds
		}
		id, err := db.CreateLibraryItem(ctx, author, in)
		if err != nil {
			b.Fatalf("item %d: %v", i, err)
		}
		if i%10 == 0 {
			continue // a draft
		}
		if err := db.SubmitLibraryItem(ctx, author, id); err != nil {
			b.Fatalf("submit %d: %v", i, err)
		}
		if i%10 == 1 {
			continue // in review
		}
		if err := db.ApproveLibraryItem(ctx, reviewer, id); err != nil {
			b.Fatalf("approve %d: %v", i, err)
		}
	}
}

// loadSearchBids starts n draft bids led by Leeds with Bradford invited.
func loadSearchBids(b testing.TB, db *models.DB, n int) {
	b.Helper()
	ctx := context.Background()
	leeds := mustUserByEmail(b, db, testutil.OfficerEmail)
	cats, err := db.Categories(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		k := cats[i%len(cats)]
		if _, err := db.CreateBid(ctx, leeds, models.NewBid{Title: "Joint " + strings.ToLower(k.Name) + " system " + strconv.Itoa(i+1),
			Summary: "Leeds and Bradford replace their " + strings.ToLower(k.Name) + " systems together.", CategorySlug: k.Slug,
			PartnerGSS: []string{bradfordGSS}}); err != nil {
			b.Fatalf("bid %d: %v", i, err)
		}
	}
}
