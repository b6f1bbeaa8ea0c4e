package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted:
// the smallest value at least p% of the values are less than or equal to.
// It is 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// ms shows a latency in milliseconds, to a tenth below 100 ms.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 100 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// perSecond shows a rate, to a tenth below 10.
func perSecond(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// writeTable prints the results as a Markdown table, one row per URL in
// the order given.
func writeTable(w io.Writer, cfg config, results []*result) {
	if cfg.title != "" {
		fmt.Fprintf(w, "### %s\n\n", cfg.title)
	}
	how := "all URLs as one mix, in turn"
	if cfg.each {
		how = "each URL on its own, one after another"
	}
	limit := fmt.Sprint(cfg.duration)
	if cfg.maxRequests > 0 {
		limit += fmt.Sprintf(" or %d requests, whichever comes first", cfg.maxRequests)
	}
	fmt.Fprintf(w, "%d concurrent clients for %s, %s.\n\n", cfg.clients, limit, how)
	fmt.Fprintln(w, "| Route | URL | Requests | Errors | p50 ms | p95 ms | p99 ms | Requests/s |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range results {
		secs := r.elapsed.Seconds()
		if r.notBuilt {
			fmt.Fprintf(w, "| %s | `%s` | not built (404) | | | | | |\n", r.name, r.path)
			continue
		}
		lat := slices.Clone(r.latencies)
		slices.Sort(lat)
		rate := 0.0
		if secs > 0 {
			rate = float64(len(lat)) / secs
		}
		errs := errorSummary(r.errors)
		// At the deadline every client has a request in flight; they
		// matter only when they outnumber the requests that finished:
		// a route about as slow as the whole run.
		if r.unfinished > len(lat) {
			errs += fmt.Sprintf("; %d unfinished at the end", r.unfinished)
		}
		if len(lat) == 0 {
			fmt.Fprintf(w, "| %s | `%s` | 0 | %s | – | – | – | 0 |\n", r.name, r.path, errs)
			continue
		}
		fmt.Fprintf(w, "| %s | `%s` | %d | %s | %s | %s | %s | %s |\n", r.name, r.path, len(lat), errs,
			ms(percentile(lat, 50)), ms(percentile(lat, 95)), ms(percentile(lat, 99)), perSecond(rate))
	}
	fmt.Fprintln(w)
}

// errorSummary is the error count with its kinds: "12 (500 ×10, timeout ×2)".
func errorSummary(errs map[string]int) string {
	total := 0
	var kinds []string
	for k, n := range errs {
		total += n
		kinds = append(kinds, fmt.Sprintf("%s ×%d", k, n))
	}
	if total == 0 {
		return "0"
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d (%s)", total, strings.Join(kinds, ", "))
}
