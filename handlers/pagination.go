package handlers

import "strconv"

// pagination is the GOV.UK pagination component's data: previous and next
// links, and numbered pages with ellipses for the ones left out.
type pagination struct {
	Label          string // the nav's aria-label: "Pages of joint bids"
	Previous, Next string // links, or "" at either end
	Items          []pageItem
}

// pageItem is a page number link, or an ellipsis standing for several.
type pageItem struct {
	Number   int
	Href     string
	Current  bool
	Ellipsis bool
}

// pageCount is how many pages of perPage total makes (at least one).
func pageCount(total, perPage int) int {
	return max(1, (total+perPage-1)/perPage)
}

// paginate lays out the pages as GOV.UK recommends: the first, the last,
// the current one and those either side of it, with "…" for the gaps. One
// page needs no pagination: it returns nil. label names the pages for
// screen readers: "Pages of joint bids".
func paginate(label string, current, pages int, href func(page int) string) *pagination {
	if pages <= 1 {
		return nil
	}
	p := &pagination{Label: label}
	if current > 1 {
		p.Previous = href(current - 1)
	}
	if current < pages {
		p.Next = href(current + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < current-1 || n > current+1) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Items = append(p.Items, pageItem{Ellipsis: true})
		}
		p.Items = append(p.Items, pageItem{Number: n, Href: href(n), Current: n == current})
		last = n
	}
	return p
}

// pageParam reads ?page=N, which is 1 when missing or not a page number.
func pageParam(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return n
}
