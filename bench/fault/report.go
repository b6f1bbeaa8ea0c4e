package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// check is one thing the script verifies.
type check struct {
	name   string
	ok     bool
	detail string
}

// section is one part of the report: what was done, measured figures, and
// the checks.
type section struct {
	title  string
	blocks []string // Markdown paragraphs and tables, in order
	checks []check
}

func (s *section) para(format string, args ...any) {
	s.blocks = append(s.blocks, fmt.Sprintf(format, args...))
}

func (s *section) check(name string, ok bool, format string, args ...any) {
	s.checks = append(s.checks, check{name: name, ok: ok, detail: fmt.Sprintf(format, args...)})
}

// failed is whether any check of the section failed.
func (s *section) failed() int {
	n := 0
	for _, c := range s.checks {
		if !c.ok {
			n++
		}
	}
	return n
}

// report is the whole Markdown report.
type report struct {
	cfg       config
	dataset   dataset
	started   time.Time
	took      time.Duration
	version   string
	goVersion string
	cpus      int
	sections  []*section
}

func (r *report) checks() int {
	n := 0
	for _, s := range r.sections {
		n += len(s.checks)
	}
	return n
}

func (r *report) failed() int {
	n := 0
	for _, s := range r.sections {
		n += s.failed()
	}
	return n
}

func (r *report) write(w io.Writer) {
	mode := "full run"
	if r.cfg.short {
		mode = "short run (-short)"
	}
	fmt.Fprintf(w, "# Load and faults\n\n")
	fmt.Fprintf(w, "Written by `bench/run-fault.sh` (bench/fault), a %s, on %s: %d CPUs, %s, %s.\n",
		mode, r.started.Format("2006-01-02 15:04 UTC"), r.cpus, r.goVersion, r.version)
	fmt.Fprintf(w, "Everything runs against the real binary on loopback, in a temporary folder, in %v.\n\n", r.took.Round(time.Second))
	if f := r.failed(); f == 0 {
		fmt.Fprintf(w, "**Result: all %d checks passed.**\n\n", r.checks())
	} else {
		fmt.Fprintf(w, "**Result: %d of %d checks FAILED** (marked FAIL below).\n\n", f, r.checks())
	}
	fmt.Fprintf(w, "Dataset (built in %v):\n\n", r.dataset.took.Round(time.Second))
	for _, s := range r.dataset.steps {
		fmt.Fprintf(w, "- `%s`\n", s)
	}
	fmt.Fprintf(w, "\nThe scale seed said: %s\n\n", r.dataset.summary)
	fmt.Fprintf(w, "The two faults run as commands (the import, the digest) go first, beside no server, so that the digest "+
		"for tomorrow finds everything seeded today as news; then the mixed load; then the server is killed under "+
		"response submissions. The report gives the load first.\n\n")
	for _, s := range r.sections {
		fmt.Fprintf(w, "## %s\n\n", s.title)
		for _, b := range s.blocks {
			fmt.Fprintf(w, "%s\n\n", strings.TrimRight(b, "\n"))
		}
		if len(s.checks) == 0 {
			continue
		}
		fmt.Fprintf(w, "| Check | Result | Detail |\n| --- | --- | --- |\n")
		for _, c := range s.checks {
			res := "pass"
			if !c.ok {
				res = "**FAIL**"
			}
			fmt.Fprintf(w, "| %s | %s | %s |\n", cell(c.name), res, cell(c.detail))
		}
		fmt.Fprintln(w)
	}
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

// ms writes a latency in milliseconds, to three significant figures.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// tallyTable is a table of kinds: sent, acknowledged, conflicts, errors
// and latency percentiles.
func tallyTable(tallies []tally, writes bool) string {
	var b strings.Builder
	if writes {
		b.WriteString("| Kind | Sent | Acknowledged (2xx) | Conflicts (409) | Errors | No answer | p50 ms | p95 ms | p99 ms |\n")
		b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	} else {
		b.WriteString("| Route | Requests | 2xx/3xx | Errors | No answer | p50 ms | p95 ms | p99 ms |\n")
		b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	}
	for _, t := range tallies {
		errs := fmt.Sprint(t.refused)
		if t.refused > 0 {
			errs += " (" + statusList(t.statuses) + ")"
		}
		p := func(q float64) string { return ms(percentile(t.latencies, q)) }
		if writes {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %d | %s | %s | %s |\n", t.name, t.sent, t.acked, t.conflicts, errs, t.unknown, p(50), p(95), p(99))
		} else {
			fmt.Fprintf(&b, "| %s | %d | %d | %s | %d | %s | %s | %s |\n", t.name, t.sent, t.acked, errs, t.unknown, p(50), p(95), p(99))
		}
	}
	return b.String()
}

func statusList(m map[string]int) string {
	var parts []string
	for s, n := range m {
		parts = append(parts, fmt.Sprintf("%s×%d", s, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
