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
// the order given, under a heading naming the client count when there are
// several; with a baseline, each URL's throughput as a share of
// the baseline's, and with a p95 limit, the 95th percentiles above it in
// bold and listed under the table.
func writeTable(w io.Writer, cfg config, results []*result) {
	switch {
	case len(cfg.counts) > 1 && cfg.title != "":
		fmt.Fprintf(w, "### %s: %d clients\n\n", cfg.title, cfg.clients)
	case len(cfg.counts) > 1:
		fmt.Fprintf(w, "### %d clients\n\n", cfg.clients)
	case cfg.title != "":
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
	baseRate := 0.0
	for _, r := range results {
		if cfg.baseline != "" && r.name == cfg.baseline {
			baseRate = r.rate()
		}
	}
	head, rule := "| Route | URL | Requests | Errors | p50 ms | p95 ms | p99 ms | Requests/s |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	extra := ""
	if cfg.baseline != "" {
		head += fmt.Sprintf(" Share of %s |", cfg.baseline)
		rule += " ---: |"
		extra += " |"
	}
	if cfg.pid > 0 {
		head += " Server CPU ms/request |"
		rule += " ---: |"
		extra += " |"
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, rule)
	var over []string
	for _, r := range results {
		if r.notBuilt {
			fmt.Fprintf(w, "| %s | `%s` | not built (404) | | | | | |%s\n", r.name, r.path, extra)
			continue
		}
		lat := slices.Clone(r.latencies)
		slices.Sort(lat)
		errs := errorSummary(r.errors)
		// At the deadline every client has a request in flight; they
		// matter only when they outnumber the requests that finished:
		// a route about as slow as the whole run.
		if r.unfinished > len(lat) {
			errs += fmt.Sprintf("; %d unfinished at the end", r.unfinished)
		}
		if len(lat) == 0 {
			fmt.Fprintf(w, "| %s | `%s` | 0 | %s | – | – | – | 0 |%s\n", r.name, r.path, errs, strings.ReplaceAll(extra, "|", "– |"))
			if cfg.p95Limit > 0 {
				over = append(over, fmt.Sprintf("%s (no request finished)", r.name))
			}
			continue
		}
		p95 := percentile(lat, 95)
		p95s := ms(p95)
		if cfg.p95Limit > 0 && p95 > cfg.p95Limit {
			over = append(over, fmt.Sprintf("%s (%s ms)", r.name, p95s))
			p95s = "**" + p95s + "**"
		}
		fmt.Fprintf(w, "| %s | `%s` | %d | %s | %s | %s | %s | %s |", r.name, r.path, len(lat), errs,
			ms(percentile(lat, 50)), p95s, ms(percentile(lat, 99)), perSecond(r.rate()))
		if cfg.baseline != "" {
			fmt.Fprintf(w, " %s |", share(r.rate(), baseRate))
		}
		if cfg.pid > 0 {
			fmt.Fprintf(w, " %s |", cpuPerRequest(r.serverCPU, len(lat)))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	if cfg.p95Limit > 0 {
		if len(over) == 0 {
			fmt.Fprintf(w, "Every 95th percentile is within %v.\n\n", cfg.p95Limit)
		} else {
			fmt.Fprintf(w, "95th percentile above %v: %s.\n\n", cfg.p95Limit, strings.Join(over, ", "))
		}
	}
}

// rate is the requests finished per second of the time loaded.
func (r *result) rate() float64 {
	if secs := r.elapsed.Seconds(); secs > 0 {
		return float64(len(r.latencies)) / secs
	}
	return 0
}

// cpuPerRequest is the server's CPU time over the requests answered, in
// milliseconds to two significant figures.
func cpuPerRequest(cpu time.Duration, requests int) string {
	if requests == 0 {
		return "–"
	}
	v := float64(cpu) / float64(time.Millisecond) / float64(requests)
	switch {
	case v < 1:
		return fmt.Sprintf("%.2f", v)
	case v < 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}

// share is rate as a percentage of base, to two decimals below 1% and one
// below 10%; "–" without a base.
func share(rate, base float64) string {
	if base <= 0 {
		return "–"
	}
	switch pc := 100 * rate / base; {
	case pc < 1:
		return fmt.Sprintf("%.2f%%", pc)
	case pc < 10:
		return fmt.Sprintf("%.1f%%", pc)
	default:
		return fmt.Sprintf("%.0f%%", pc)
	}
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
