package models

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Contract expiry alerts tell a council's officers when a contract's
// decision window (the day to start re-procuring) is 120, 60 or 30 days
// away, and on the day. Each (contract, threshold, window date) is alerted
// once (contract_alerts); a moved window is a new date, so it is alerted
// afresh.

// AlertThresholds are the days before a decision window an alert goes
// out, furthest first.
var AlertThresholds = []int{120, 60, 30, 0}

// AlertThresholdLabel heads the group of contracts that reached threshold
// days in an alert email.
func AlertThresholdLabel(days int) string {
	if days == 0 {
		return "Today"
	}
	return "In " + strconv.Itoa(days) + " days"
}

// ContractAlert is one contract reaching a threshold.
type ContractAlert struct {
	ContractID        int64
	Title             string
	SupplierName      string
	EndDate           Date
	MaxExtensionDate  Date
	ExtensionIntended bool
	DecisionWindow    Date
	// Threshold is the nearest threshold crossed (the one to tell of);
	// DaysLeft the days from today to the window.
	Threshold int
	DaysLeft  int
}

// Crossed is every threshold the contract has crossed: Threshold and the
// further ones. All are recorded with the alert, so a contract first seen
// 20 days before its window is never later told "in 60 days".
func (a ContractAlert) Crossed() []int {
	var out []int
	for _, n := range AlertThresholds {
		if n >= a.Threshold {
			out = append(out, n)
		}
	}
	return out
}

// CouncilAlerts is one council's contracts reaching a threshold and the
// officers to tell.
type CouncilAlerts struct {
	CouncilGSS  string
	CouncilName string
	Alerts      []ContractAlert
	Officers    []User
}

// contractAlertsDueSQL is ContractAlertsDue's query: nearest is the
// nearest threshold crossed (the window is within :d30 → 30, and so on).
const contractAlertsDueSQL = `
		SELECT co.gss_code, co.name, c.id, c.title, s.name, c.end_date, c.max_extension_date, c.extension_intended,
		       c.decision_window_date,
		       CASE WHEN c.decision_window_date <= :today THEN 0
		            WHEN c.decision_window_date <= :d30 THEN 30
		            WHEN c.decision_window_date <= :d60 THEN 60
		            ELSE 120 END AS nearest
		  FROM councils co CROSS JOIN contracts c ON c.council_gss = co.gss_code
		  JOIN suppliers s ON s.id = c.supplier_id
		 WHERE c.decision_window_date >= :today AND c.decision_window_date <= :d120
		   AND coalesce(CASE WHEN c.extension_intended = 1 THEN c.max_extension_date END, c.end_date) >= :today
		   AND NOT EXISTS (SELECT 1 FROM contract_alerts a WHERE a.contract_id = c.id AND a.window_date = c.decision_window_date
		        AND a.threshold = CASE WHEN c.decision_window_date <= :today THEN 0
		                               WHEN c.decision_window_date <= :d30 THEN 30
		                               WHEN c.decision_window_date <= :d60 THEN 60
		                               ELSE 120 END)
		 ORDER BY co.gss_code, c.decision_window_date, c.id`

// ContractAlertsDue lists, by council, the contracts whose decision window
// is between today and 120 days away, not expired, whose nearest crossed
// threshold has not been alerted for that window date. Crossing-based: a
// day the job missed is caught up by the next run.
//
// It is one query for the whole country: for each council (CROSS JOIN
// keeps councils outermost) a range read of contracts_council_window, so
// it reads only the contracts near their window, never the 400,000.
func (db *DB) ContractAlertsDue(ctx context.Context, today Date) ([]CouncilAlerts, error) {
	rows, err := db.R.QueryContext(ctx, contractAlertsDueSQL,
		sql.Named("today", today.String()), sql.Named("d30", today.AddDays(30).String()),
		sql.Named("d60", today.AddDays(60).String()), sql.Named("d120", today.AddDays(120).String()))
	if err != nil {
		return nil, fmt.Errorf("contract alerts due: %w", err)
	}
	var out []CouncilAlerts
	for rows.Next() {
		var gss, name string
		var a ContractAlert
		if err := rows.Scan(&gss, &name, &a.ContractID, &a.Title, &a.SupplierName, &a.EndDate, &a.MaxExtensionDate,
			&a.ExtensionIntended, &a.DecisionWindow, &a.Threshold); err != nil {
			_ = rows.Close()
			return nil, err
		}
		a.DaysLeft = today.DaysUntil(a.DecisionWindow)
		if len(out) == 0 || out[len(out)-1].CouncilGSS != gss {
			out = append(out, CouncilAlerts{CouncilGSS: gss, CouncilName: name})
		}
		out[len(out)-1].Alerts = append(out[len(out)-1].Alerts, a)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Officers, err = db.OfficersToTell(ctx, out[i].CouncilGSS); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RecordContractAlertsTx records, inside tx (the one that queues the
// emails), that council gss's alerts were sent: each contract's crossed
// thresholds for its window date.
func RecordContractAlertsTx(ctx context.Context, tx *sql.Tx, gss string, alerts []ContractAlert, now time.Time) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO contract_alerts (contract_id, threshold, window_date, council_gss, at)
		VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	at := dbTime(now)
	for _, a := range alerts {
		for _, n := range a.Crossed() {
			if _, err := stmt.ExecContext(ctx, a.ContractID, n, a.DecisionWindow.String(), gss, at); err != nil {
				return fmt.Errorf("record alert for contract %d: %w", a.ContractID, err)
			}
		}
	}
	return nil
}

// OfficersToTell lists the officers of council gss whom scheduled emails
// go to: enabled, with a confirmed address.
func (db *DB) OfficersToTell(ctx context.Context, gss string) ([]User, error) {
	us, err := db.queryUsers(ctx, `SELECT `+userColumns+userFrom+`WHERE u.council_gss = ? AND u.role = 'officer'
		AND u.disabled_at IS NULL AND u.awaiting_verification = 0 ORDER BY u.id`, gss)
	if err != nil {
		return nil, fmt.Errorf("officers of %s: %w", gss, err)
	}
	return us, nil
}
