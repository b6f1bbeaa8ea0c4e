#!/usr/bin/env bash
# Discovery at national scale (issue 4, "Performance"): builds bin/jointly,
# makes a database in a temporary folder with every UK council (mySociety's
# list, topped up to 418), the demo seed (for its sign-ins) and the
# national-scale seed, serves it on a free loopback port, and loads each
# discovery route on its own with 32 concurrent clients for 20 seconds
# (bench/load). Writes bench/DISCOVERY.md. Routes not built yet (404) are
# reported as such.
#
#   make bench-discovery
#   CONTRACTS=50000 DURATION=5s bench/run-discovery.sh   # quicker
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20s}
CONTRACTS=${CONTRACTS:-400000}
USERS=${USERS:-20000}
SEED=${SEED:-1}
COUNCILS_CSV=${COUNCILS_CSV:-../shared/data/local-authorities/mysociety/uk_local_authorities.csv}
OUT=${OUT:-bench/DISCOVERY.md}
GSS=E08000035               # Leeds: the demo officer's council
OFFICER=cio@leeds.gov.uk
CATEGORY=revenues-benefits

if [ ! -f "$COUNCILS_CSV" ]; then
  echo "run-discovery: $COUNCILS_CSV is missing (../shared beside the repository)" >&2
  exit 1
fi

tmp=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp" "$OUT.tmp"
}
trap cleanup EXIT

make --no-print-directory build >/dev/null
go build -o "$tmp/load" ./bench/load
db=$tmp/jointly.db
export JOINTLY_DB=$db

bin/jointly migrate >/dev/null
bin/jointly import councils "$COUNCILS_CSV" >/dev/null
password=$(bin/jointly seed --demo | sed -n 's/.*password for all: \(.*\)):$/\1/p')
start=$(date +%s.%N)
summary=$(bin/jointly seed --scale national --contracts "$CONTRACTS" --users "$USERS" --seed "$SEED")
seconds=$(echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}')
echo "$summary (wall clock ${seconds}s)"

# Port 0: the kernel picks a free one, which serve prints.
# Every job but close-bids gets a schedule that never falls due, so the
# server does not catch up a digest for 20,000 people, every briefing and a
# backup while the pages are measured (a server that has been running owes
# none of them).
quiet=()
for job in $(bin/jointly jobs list | awk 'NR > 1 && $1 != "close-bids" {print $1}'); do
  quiet+=(--schedule "$job=0 0 30 2 *")
done
bin/jointly serve --addr 127.0.0.1:0 "${quiet[@]}" >"$tmp/serve.out" 2>"$tmp/serve.log" &
server=$!
for _ in $(seq 100); do
  addr=$(sed -n 's/.*(listening on \(.*\))$/\1/p' "$tmp/serve.out")
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "run-discovery: the server did not start:" >&2; cat "$tmp/serve.log" >&2; exit 1; }
base=http://$addr
token=$(bin/jointly token create --email "$OFFICER" --name "discovery benchmark")

# A product Leeds runs in the category, for the product overlap page.
product=$("$tmp/load" -base "$base" -wait 30s -token "$token" -print "/api/v1/councils/$GSS/contracts?category=$CATEGORY&limit=1" |
  sed -n 's/.*"product":{"id":\([0-9]*\).*/\1/p')
product=${product:-1}

{
  echo "# Discovery at national scale"
  echo
  echo "Written by \`make bench-discovery\` (bench/run-discovery.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'):"
  echo "$(nproc) CPUs ($(uname -m)), $(go version | cut -d' ' -f3), jointly $(bin/jointly version | cut -d' ' -f2)."
  echo
  echo "Dataset: \`jointly seed --scale national --contracts $CONTRACTS --users $USERS --seed $SEED\` over mySociety's councils"
  echo "and the demo seed:"
  echo
  echo "    $summary"
  echo
  echo "(${seconds}s wall clock for the seed command.) Each route is loaded on its own, signed in as the demo officer"
  echo "of Leeds ($OFFICER: a session for pages, an API token for /api/), in the order below. Latencies are"
  echo "measured at the client, over loopback, reading the whole body; any status but 2xx or 3xx is an error."
  echo
  "$tmp/load" -base "$base" -login "$OFFICER:$password" -token "$token" -c "$CLIENTS" -d "$DURATION" -each \
    "healthz=/healthz" \
    "officer home=/" \
    "register=/councils/$GSS/contracts" \
    "partners=/councils/$GSS/partners" \
    "overlaps: product=/overlaps/products/$product" \
    "overlaps: category=/overlaps/categories/$CATEGORY" \
    "concentration: category=/concentration/$CATEGORY" \
    "legacy radar=/legacy" \
    "API partners=/api/v1/councils/$GSS/partners" \
    "API overlaps=/api/v1/overlaps?category=$CATEGORY" \
    "API concentration=/api/v1/concentration?category=$CATEGORY"
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
if grep -q "database is locked\|panic" "$tmp/serve.log"; then
  echo "run-discovery: the server logged errors:" >&2
  grep "database is locked\|panic" "$tmp/serve.log" | head >&2
fi
cat "$OUT"
