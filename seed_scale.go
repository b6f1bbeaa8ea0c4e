package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"jointly/data"
	"jointly/models"
)

// scaleOptions are seed's flags for the national-scale dataset.
type scaleOptions struct {
	name             string
	contracts, users int
	seed             uint64
}

// The national scale: 400,000 contracts and 20,000 users (../shared/PRODUCT.md).
const (
	defaultScaleContracts = 400_000
	defaultScaleUsers     = 20_000
	maxScaleRows          = 10_000_000
)

func scaleFlags(fs *flag.FlagSet) *scaleOptions {
	o := &scaleOptions{}
	fs.StringVar(&o.name, "scale", "", "generate a synthetic dataset at this scale: national")
	fs.IntVar(&o.contracts, "contracts", defaultScaleContracts, "with --scale: contracts to generate")
	fs.IntVar(&o.users, "users", defaultScaleUsers, "with --scale: officers and councillors to generate (no passwords: they sign in by SSO)")
	fs.Uint64Var(&o.seed, "seed", 1, "with --scale: random seed; the same seed and councils give the same rows")
	return o
}

// onlyWithScale refuses the scale's own flags without --scale.
func (o *scaleOptions) onlyWithScale(fs *flag.FlagSet) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err == nil && (f.Name == "contracts" || f.Name == "users" || f.Name == "seed") {
			err = usagef("seed: --%s goes with --scale national", f.Name)
		}
	})
	return err
}

// seedScale runs `jointly seed --scale national`: it tops the councils
// already imported up to 418 and generates contracts and users, in one
// transaction. Running it again with the same flags changes nothing;
// with other flags it fails, naming the seed the database holds.
func seedScale(ctx context.Context, fs *flag.FlagSet, cfg Config, o *scaleOptions, stdout io.Writer) error {
	switch {
	case o.name != "national":
		return usagef("seed: --scale %q: the only scale is national", o.name)
	case o.contracts < 1 || o.contracts > maxScaleRows:
		return usagef("seed: --contracts must be between 1 and %d, not %d", maxScaleRows, o.contracts)
	case o.users < 0 || o.users > maxScaleRows:
		return usagef("seed: --users must be between 0 and %d, not %d", maxScaleRows, o.users)
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := db.SeedNationalScale(ctx, models.ScaleOptions{Contracts: o.contracts, Users: o.users, Seed: o.seed, Catalogue: data.Seed})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, sum)
	return nil
}
