package models

import (
	"context"
	"encoding/json"
)

// JointReleaseForTest is the release a joint procurement's award will
// publish for contract id: bought by councils gss (the first is the
// buyer), built by the same code as ExportOCDS. It lives in a _test file
// so the tests in models_test can validate it, without exposing it yet.
func (db *DB) JointReleaseForTest(ctx context.Context, id int64, gss ...string) (json.RawMessage, error) {
	c, err := db.ContractByID(ctx, System, id)
	if err != nil {
		return nil, err
	}
	var buyers []Council
	for _, g := range gss {
		council, err := db.CouncilByGSS(ctx, g)
		if err != nil {
			return nil, err
		}
		buyers = append(buyers, council)
	}
	x := ocdsExporter{prefix: DefaultOCIDPrefix, today: DateOf(db.now())}
	return json.Marshal(x.release(c, buyers))
}
