package handlers

import (
	"strings"

	"jointly/models"
	"jointly/templates"
)

// The expiry timeline is drawn on the server as an SVG bar chart: geometry
// in SVG attributes, colours in app.scss classes, so it needs no script
// and no style attribute (the CSP forbids both). The same figures are in
// a table beside it, which is what screen readers read.

// Chart geometry, in SVG user units (the chart scales to its container).
const (
	chartWidth    = 880
	chartLeft     = 20
	chartTop      = 24 // room for the count above the tallest bar
	chartPlot     = 180
	chartBottom   = 44 // two rows of labels under the axis
	chartSlot     = 38
	chartBarWidth = 28
)

// overlapChart is a bar chart of the timeline, ready for the template.
type overlapChart struct {
	Width, Height int
	AxisY         int
	AxisEnd       int
	Max           int // the tallest bar's count; 0 draws no chart
	Bars          []chartBar
	Labels        []chartLabel
}

type chartBar struct {
	X, Y, Width, Height int
	Class               string
	Title               string // the bar's tooltip
	Count               int
	TextX, TextY        int
}

type chartLabel struct {
	X, Y  int
	Text  string
	Class string
}

func newOverlapChart(timeline []models.OverlapQuarter) overlapChart {
	ch := overlapChart{Width: chartWidth, Height: chartTop + chartPlot + chartBottom, AxisY: chartTop + chartPlot}
	for _, b := range timeline {
		ch.Max = max(ch.Max, b.Contracts)
	}
	ch.AxisEnd = chartLeft + len(timeline)*chartSlot
	ch.Width = max(chartWidth, ch.AxisEnd+chartLeft)
	for i, b := range timeline {
		x := chartLeft + i*chartSlot + (chartSlot-chartBarWidth)/2
		mid := x + chartBarWidth/2
		h := 0
		if ch.Max > 0 && b.Contracts > 0 {
			h = max(2, (b.Contracts*chartPlot+ch.Max/2)/ch.Max)
		}
		class := "app-chart__bar"
		switch b.Key {
		case models.BucketPassed:
			class += " app-chart__bar--passed"
		case models.BucketLater:
			class += " app-chart__bar--later"
		}
		ch.Bars = append(ch.Bars, chartBar{X: x, Y: ch.AxisY - h, Width: chartBarWidth, Height: h, Class: class,
			Title: b.Label + ": " + templates.Plural(b.Contracts, "contract", "contracts"), Count: b.Contracts, TextX: mid, TextY: ch.AxisY - h - 5})
		// Under the axis: the quarter (or Passed, Later), and the year
		// where a year starts.
		short, year := b.Label, ""
		switch b.Key {
		case models.BucketPassed:
			short = "Passed"
		case models.BucketLater:
			short = "Later"
		default:
			_, q, _ := strings.Cut(b.Key, "-")
			short = q
			if q == "Q1" || (i == 1 && q != "Q4") { // a Q4 start is too close to the next year's label
				year, _, _ = strings.Cut(b.Key, "-")
			}
		}
		ch.Labels = append(ch.Labels, chartLabel{X: mid, Y: ch.AxisY + 16, Text: short, Class: "app-chart__label"})
		if year != "" {
			ch.Labels = append(ch.Labels, chartLabel{X: x, Y: ch.AxisY + 36, Text: year, Class: "app-chart__label app-chart__label--year"})
		}
	}
	return ch
}
