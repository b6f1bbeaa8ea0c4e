package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/jobs"
	"jointly/models"
)

// The administrator's scheduled jobs page (GET /admin/jobs), one job's
// runs (GET /admin/jobs/:name) and "run now" (POST /admin/jobs/:name/run).
// The scheduler (package jobs) records every request to run a job, skipped
// ones included, so the page can show both runs of "run it twice".

func init() {
	for _, j := range jobs.All() {
		flashes["job-started-"+j.Name] = "The " + j.Name + " job has started; refresh this page to see how it went."
	}
}

// Runs listed on the jobs page, and on one job's page.
const (
	recentJobRuns = 50
	jobPageRuns   = 100
)

type jobsPage struct {
	Page
	// Running is false when this server has no scheduler: nothing runs.
	Running bool
	Jobs    []jobView
	// Job is set on one job's page.
	Job  *jobView
	Runs []jobRunView
}

// jobView is a job as the page shows it.
type jobView struct {
	jobs.Info
	Words     string // the schedule in words, "" when it has no plain reading
	DuePeriod string // the period now due, in words
	DueStatus statusTag
	// CSRF and From are for the job's "run now" form: From is "job" on
	// the job's own page, so the form comes back to it.
	CSRF, From string
}

// jobRunView is one request to run a job, ready to show.
type jobRunView struct {
	models.JobLogEntry
	Period string // in words, UK time
	Counts string // "closed 2, emails 5"
	Asker  string // who or what asked
	Tag    statusTag
}

// statusTag is a GOV.UK tag for a status: its words and its colour class
// ("" for the standard blue).
type statusTag struct {
	Text, Class string
}

// tagFor is the tag of a job run's or an email's status.
func tagFor(status string) statusTag {
	switch status {
	case "succeeded":
		return statusTag{"Succeeded", "govuk-tag--green"}
	case "sent":
		return statusTag{"Sent", "govuk-tag--green"}
	case "failed":
		return statusTag{"Failed", "govuk-tag--red"}
	case "skipped":
		return statusTag{"Skipped", "govuk-tag--grey"}
	case "running":
		return statusTag{"Running", ""}
	case "queued":
		return statusTag{"Queued", ""}
	case "":
		return statusTag{"Not run yet", "govuk-tag--yellow"}
	}
	return statusTag{status, "govuk-tag--grey"}
}

// jobViews describes every job, with the status of the period due now.
func (h *Handlers) jobViews(c *gin.Context) ([]jobView, error) {
	var out []jobView
	for _, info := range h.Config.Scheduler.Jobs() {
		v := jobView{Info: info, Words: scheduleInWords(info.Spec), DueStatus: tagFor(""), CSRF: c.GetString(csrfKey)}
		if info.Due.Key != "" {
			v.DuePeriod = periodInWords(info.Due.Key)
			run, err := h.DB.JobRunFor(c.Request.Context(), info.Name, info.Due.Key)
			switch {
			case err == nil:
				v.DueStatus = tagFor(run.Status)
			case !errors.Is(err, models.ErrNotFound):
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// jobRuns is the job log (of job, or of every job when ""), newest first.
func (h *Handlers) jobRuns(c *gin.Context, job string, limit int) ([]jobRunView, error) {
	log, err := h.DB.JobLog(c.Request.Context(), job, limit)
	if err != nil {
		return nil, err
	}
	out := make([]jobRunView, len(log))
	for i, e := range log {
		out[i] = jobRunView{JobLogEntry: e, Period: periodInWords(e.Period), Counts: countsInWords(e.Counts),
			Asker: askerInWords(e), Tag: tagFor(e.Outcome)}
	}
	return out, nil
}

// listJobs is the jobs page: every job, when it runs next, how the period
// now due went, and the recent runs of them all.
func (h *Handlers) listJobs(c *gin.Context) {
	data := jobsPage{Page: h.page(c), Running: h.Config.Scheduler != nil}
	var err error
	if data.Running {
		if data.Jobs, err = h.jobViews(c); err != nil {
			h.fail(c, err)
			return
		}
	}
	if data.Runs, err = h.jobRuns(c, "", recentJobRuns); err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "admin_jobs", data)
}

// showJob is one job and its runs.
func (h *Handlers) showJob(c *gin.Context) {
	job, err := h.findJob(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	job.From = "job"
	data := jobsPage{Page: h.page(c), Running: true, Job: &job}
	if data.Runs, err = h.jobRuns(c, job.Name, jobPageRuns); err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "admin_jobs", data)
}

// findJob is the job named by the route's :name, ErrNotFound if none.
func (h *Handlers) findJob(c *gin.Context) (jobView, error) {
	if h.Config.Scheduler == nil {
		return jobView{}, models.ErrNotFound
	}
	all, err := h.jobViews(c)
	if err != nil {
		return jobView{}, err
	}
	for _, j := range all {
		if j.Name == c.Param("name") {
			return j, nil
		}
	}
	return jobView{}, models.ErrNotFound
}

// runJob starts a run of the job for the period due now, in the
// background (a backup or a digest can take longer than a request should),
// and sends the administrator back to the page, where the run appears in
// the log when it ends. Without "force", a period that already succeeded
// is skipped, and the log says so.
func (h *Handlers) runJob(c *gin.Context) {
	job, err := h.findJob(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	u := currentUser(c)
	opts := jobs.RunOptions{Trigger: models.TriggerAdmin, UserID: u.ID, Force: c.PostForm("force") == "1"}
	if err := h.Config.Scheduler.RunInBackground(job.Name, opts); err != nil {
		h.fail(c, err)
		return
	}
	h.Log.InfoContext(c.Request.Context(), "job run asked for", "job", job.Name, "user", u.ID, "force", opts.Force)
	h.flash(c, "job-started-"+job.Name)
	if c.PostForm("from") == "job" {
		seeOther(c, "/admin/jobs/"+job.Name)
		return
	}
	seeOther(c, "/admin/jobs")
}

// periodInWords shows a period key (2026-11-21T06:00, UK time) as a time:
// "21 November 2026 at 6:00am".
func periodInWords(key string) string {
	t, err := time.ParseInLocation("2006-01-02T15:04", key, models.London())
	if err != nil {
		return key
	}
	return t.Format("2 January 2006") + " at " + strings.ToLower(t.Format("3:04PM"))
}

// countsInWords shows what a run did: "closed 2, emails 5", by name.
func countsInWords(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", strings.ReplaceAll(k, "_", " "), counts[k])
	}
	return strings.Join(parts, ", ")
}

// askerInWords says who or what asked for a run.
func askerInWords(e models.JobLogEntry) string {
	switch e.Trigger {
	case models.TriggerSchedule:
		return "The schedule"
	case models.TriggerCatchUp:
		return "Catching up after the server was down"
	case models.TriggerCommand:
		return "The command line"
	case models.TriggerAdmin:
		if e.UserName != "" {
			return e.UserName
		}
		return "An administrator"
	}
	return e.Trigger
}

// scheduleInWords says a cron expression (UK time) as a person would:
// "Every day at 6am". It knows the shapes schedules usually take and
// returns "" for any other; the page always shows the expression too.
func scheduleInWords(spec string) string {
	switch spec {
	case "@hourly":
		return "Every hour, on the hour"
	case "@daily", "@midnight":
		return "Every day at midnight"
	case "@weekly":
		return "Every Sunday at midnight"
	case "@monthly":
		return "On the 1st of every month at midnight"
	case "@yearly", "@annually":
		return "Every year on 1 January at midnight"
	}
	if d, ok := strings.CutPrefix(spec, "@every "); ok {
		return "Every " + d
	}
	f := strings.Fields(spec)
	if len(f) != 5 || f[3] != "*" {
		return ""
	}
	minute, hour, dom, dow := f[0], f[1], f[2], f[4]
	if hour == "*" && dom == "*" && dow == "*" {
		every, isEvery := strings.CutPrefix(minute, "*/")
		n, ok := cronNumber(every, 1, 59)
		switch {
		case minute == "*" || (isEvery && ok && n == 1):
			return "Every minute"
		case isEvery && ok:
			return fmt.Sprintf("Every %d minutes", n)
		case minute == "0":
			return "Every hour, on the hour"
		case ok:
			return fmt.Sprintf("Every hour at %d minutes past", n)
		}
		return ""
	}
	m, okM := cronNumber(minute, 0, 59)
	hr, okH := cronNumber(hour, 0, 23)
	if !okM || !okH {
		return ""
	}
	at := clockInWords(hr, m)
	switch {
	case dom == "*" && dow == "*":
		return "Every day at " + at
	case dom == "*" && (dow == "1-5" || dow == "MON-FRI"):
		return "Every weekday at " + at
	case dom == "*":
		if d, ok := cronNumber(dow, 0, 7); ok {
			return "Every " + time.Weekday(d%7).String() + " at " + at
		}
	case dow == "*":
		if d, ok := cronNumber(dom, 1, 31); ok {
			return "On the " + ordinal(d) + " of every month at " + at
		}
	}
	return ""
}

// cronNumber reads a plain number field between lo and hi.
func cronNumber(s string, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= lo && n <= hi
}

// clockInWords is a time of day in the GOV.UK style: "6am", "6:30am",
// "midday", "midnight".
func clockInWords(hour, minute int) string {
	switch {
	case hour == 0 && minute == 0:
		return "midnight"
	case hour == 12 && minute == 0:
		return "midday"
	}
	t := time.Date(2000, 1, 1, hour, minute, 0, 0, time.UTC)
	if minute == 0 {
		return strings.ToLower(t.Format("3PM"))
	}
	return strings.ToLower(t.Format("3:04PM"))
}

// ordinal is 1st, 2nd, 3rd, 4th … 21st, 22nd, 23rd … 31st.
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}
