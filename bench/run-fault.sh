#!/usr/bin/env bash
# Load and faults (issue 9): builds bin/jointly and bench/fault, then runs
# the script against the real binary on loopback: a mixed load at a steady
# rate (5 minutes), then kill -9 during an import, a digest run and a
# stream of response submissions. Writes bench/FAULT.md, and exits 1 if
# any check failed (the report says which).
#
#   bench/run-fault.sh             # full: about 7 minutes on two cores
#   SHORT=1 bench/run-fault.sh     # 45 seconds of load: about 2 minutes
#   FAULT_FLAGS='-keep -rate 60' bench/run-fault.sh
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-bench/FAULT.md}
COUNCILS_CSV=${COUNCILS_CSV:-../shared/data/local-authorities/mysociety/uk_local_authorities.csv}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$OUT.tmp"' EXIT

make --no-print-directory build >/dev/null
go build -tags sqlite_fts5 -o "$tmp/fault" ./bench/fault

flags=(-bin bin/jointly -councils "$COUNCILS_CSV")
if [ -n "${SHORT:-}" ]; then flags+=(-short); fi
# shellcheck disable=SC2206 # FAULT_FLAGS is split on purpose
flags+=(${FAULT_FLAGS:-})

status=0
"$tmp/fault" "${flags[@]}" >"$OUT.tmp" || status=$?
if [ -s "$OUT.tmp" ]; then
  mv "$OUT.tmp" "$OUT"
  cat "$OUT"
fi
exit "$status"
