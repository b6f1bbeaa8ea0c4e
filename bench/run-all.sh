#!/usr/bin/env bash
# Everything at national scale (issue 9, "Benchmark"): `make bench`.
#
# Builds bin/jointly, makes a database in a temporary folder with every UK
# council (mySociety's list, topped up to 418), the demo seed (for its
# sign-ins and its published bid) and the national-scale seed (400,000
# contracts, 20,000 people), then:
#   1. start-up: time from exec of `jointly serve` (on a free loopback
#      port) to the first 200 from /healthz, and its memory;
#   2. pages: each page and the API list loaded on its own with bench/load,
#      signed in as Leeds's demo officer, at 32 and then 128 concurrent
#      clients, beside /healthz measured in the same run, then the server's
#      memory again;
#   3. import: 10,000 Transparency Code rows (exported from the largest
#      registers) imported into Leeds in a copy of the database, and the
#      same file again (nothing to change);
#   4. digest: `jobs run digest` for tomorrow's period (so everything seeded
#      today is news) for the 20,000 people, over SMTP to bench/smtpsink,
#      as bench/run-digest.sh does;
# and writes bench/RESULTS.md. About 4 minutes on two shared cores; progress
# goes to stderr.
#
#   make bench
#   CONTRACTS=50000 USERS=2000 DURATION=2s IMPORT_ROWS=2000 OUT=/tmp/r.md bench/run-all.sh   # quicker
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=${CONTRACTS:-400000}
USERS=${USERS:-20000}
SEED=${SEED:-1}
CLIENTS=${CLIENTS:-32,128}
DURATION=${DURATION:-8s}    # per URL per client count
IMPORT_ROWS=${IMPORT_ROWS:-10000}
P95_LIMIT=${P95_LIMIT:-100ms} # PRODUCT.md, "Scale and service levels"
COUNCILS_CSV=${COUNCILS_CSV:-../shared/data/local-authorities/mysociety/uk_local_authorities.csv}
OUT=${OUT:-bench/RESULTS.md}
TIME=${TIME:-/usr/bin/time}
GSS=E08000035               # Leeds: the demo officer's council
OFFICER=cio@leeds.gov.uk
CATEGORY=revenues-benefits
QUERY=${QUERY:-revenues}

began=$(date +%s)
say() { printf '[bench %3ds] %s\n' $(($(date +%s) - began)) "$*" >&2; }
fail() { echo "run-all: $*" >&2; exit 1; }

[ -f "$COUNCILS_CSV" ] || fail "$COUNCILS_CSV is missing (../shared beside the repository)"
[ -x "$TIME" ] || fail "$TIME is missing (Debian: apt-get install time)"
for tool in curl sqlite3; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done

tmp=$(mktemp -d)
server=
sink=
stop() { # stop PID: TERM, then wait for it
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  if [ -n "$server" ]; then stop "$server"; fi
  if [ -n "$sink" ]; then stop "$sink"; fi
  rm -rf "$tmp" "$OUT.tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)

say "building bin/jointly, bench/load and bench/smtpsink"
make --no-print-directory build >&2
go build -o "$tmp/load" ./bench/load
go build -o "$tmp/smtpsink" ./bench/smtpsink
db=$tmp/jointly.db
export JOINTLY_DB=$db

say "making the national-scale database ($CONTRACTS contracts, $USERS people) in $tmp"
bin/jointly migrate >/dev/null
bin/jointly import councils "$COUNCILS_CSV" >/dev/null
password=$(bin/jointly seed --demo | sed -n 's/.*password for all: \(.*\)):$/\1/p')
start=$(date +%s.%N)
summary=$(bin/jointly seed --scale national --contracts "$CONTRACTS" --users "$USERS" --seed "$SEED")
seed_seconds=$(echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}')
say "$summary"
db_mib=$(du -m "$db" | cut -f1)

# --- 1. Start-up -------------------------------------------------------------

# The scheduler catches up, at start-up, every job whose latest period has
# not run; on a database that has never served, that is all of them (the
# digest for 20,000 people, every briefing, a backup). A server that has
# been running owes none, so every job but close-bids (every minute, as in
# service) gets a schedule that never falls due: the pages are measured on
# a server doing what it does during the working day.
quiet=()
for job in $(bin/jointly jobs list | awk 'NR > 1 && $1 != "close-bids" {print $1}'); do
  quiet+=(--schedule "$job=0 0 30 2 *")
done

mib() { awk -v k="$2:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }      # user + system
busy_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

say "starting jointly serve"
t0=$(date +%s%N)
bin/jointly serve --addr 127.0.0.1:0 "${quiet[@]}" >"$tmp/serve.out" 2>"$tmp/serve.log" &
server=$!
addr=
for _ in $(seq 3000); do
  addr=$(sed -n 's/.*(listening on \(.*\))$/\1/p' "$tmp/serve.out")
  [ -n "$addr" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.01
done
[ -n "$addr" ] || { cat "$tmp/serve.log" >&2; fail "the server did not start"; }
base=http://$addr
healthy=
for _ in $(seq 3000); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ]; then healthy=1; break; fi
  sleep 0.01
done
t1=$(date +%s%N)
[ -n "$healthy" ] || { cat "$tmp/serve.log" >&2; fail "$base/healthz did not answer 200"; }
startup_ms=$(((t1 - t0) / 1000000))
rss_started=$(mib "$server" VmRSS)
hwm_started=$(mib "$server" VmHWM)
say "serving $base: first 200 from /healthz after ${startup_ms} ms, ${rss_started} MiB resident"

# --- 2. Pages ----------------------------------------------------------------

token=$(bin/jointly token create --email "$OFFICER" --name "benchmark")
# A product Leeds runs in the category, for the product overlap page.
product=$("$tmp/load" -base "$base" -token "$token" -print "/api/v1/councils/$GSS/contracts?category=$CATEGORY&limit=1" |
  sed -n 's/.*"product":{"id":\([0-9]*\).*/\1/p')
[ -n "$product" ] || fail "Leeds has no $CATEGORY contract with a product"
# The demo seed's published Bradford–Leeds bid.
opportunity=$(sqlite3 "$db" "SELECT id FROM bids WHERE status = 'published' ORDER BY id LIMIT 1")
[ -n "$opportunity" ] || fail "the demo seed has no published bid"

urls=(
  "healthz=/healthz"
  "officer home=/"
  "register=/councils/$GSS/contracts"
  "partners=/councils/$GSS/partners"
  "overlaps: product=/overlaps/products/$product"
  "overlaps: category=/overlaps/categories/$CATEGORY"
  "concentration=/concentration/$CATEGORY"
  "search=/search?q=$QUERY"
  "opportunity=/opportunities/$opportunity"
  "API contracts list=/api/v1/councils/$GSS/contracts"
)
rounds=$(($(tr ',' '\n' <<<"$CLIENTS" | wc -l) * ${#urls[@]}))
say "loading ${#urls[@]} URLs at $CLIENTS clients, $DURATION each ($rounds runs)"
clk=$(getconf CLK_TCK)
server_before=$(cpu_ticks "$server")
busy_before=$(busy_ticks)
load_start=$(date +%s.%N)
"$TIME" -f '%U %S' -o "$tmp/load.cpu" "$tmp/load" -base "$base" -login "$OFFICER:$password" -token "$token" \
  -c "$CLIENTS" -d "$DURATION" -each -baseline healthz -p95 "$P95_LIMIT" -pid "$server" "${urls[@]}" >"$tmp/load.md"
load_seconds=$(echo "$(date +%s.%N) $load_start" | awk '{printf "%.0f", $1 - $2}')
server_cpu=$(echo "$(cpu_ticks "$server") $server_before $clk" | awk '{printf "%.0f", ($1 - $2) / $3}')
busy_cpu=$(echo "$(busy_ticks) $busy_before $clk" | awk '{printf "%.0f", ($1 - $2) / $3}')
load_cpu=$(awk '{printf "%.0f", $1 + $2}' "$tmp/load.cpu")
other_cpu=$((busy_cpu - server_cpu - load_cpu))
((other_cpu >= 0)) || other_cpu=0
available_cpu=$((load_seconds * $(nproc)))
rss_loaded=$(mib "$server" VmRSS)
hwm_loaded=$(mib "$server" VmHWM)
say "loaded in ${load_seconds}s; ${rss_loaded} MiB resident, peak ${hwm_loaded} MiB"
stop "$server"
server=
server_errors=$(grep -c 'database is locked\|panic' "$tmp/serve.log" || true)

# --- 3. Import ---------------------------------------------------------------

say "exporting $IMPORT_ROWS rows from the largest registers"
# SQLite's online backup: a consistent copy, without the integrity check
# `jointly backup` adds (a minute on a shared machine at this size).
sqlite3 "$db" ".backup '$tmp/import.db'"
: >"$tmp/rows.csv"
councils=$(sqlite3 "$db" "SELECT council_gss FROM contracts WHERE council_gss != '$GSS' GROUP BY council_gss ORDER BY count(*) DESC, council_gss")
for council in $councils; do
  bin/jointly export csv --council "$council" >"$tmp/one.csv"
  [ -f "$tmp/header.csv" ] || head -n1 "$tmp/one.csv" >"$tmp/header.csv"
  tail -n +2 "$tmp/one.csv" >>"$tmp/rows.csv"
  [ "$(wc -l <"$tmp/rows.csv")" -ge "$IMPORT_ROWS" ] && break
done
{ cat "$tmp/header.csv"; head -n "$IMPORT_ROWS" "$tmp/rows.csv"; } >"$tmp/import.csv"
import_bytes=$(wc -c <"$tmp/import.csv")
import_run() { # NAME: import the file into Leeds in the copy, under time -v
  say "importing $IMPORT_ROWS rows into $GSS ($1)"
  "$TIME" -v bin/jointly import contracts --db "$tmp/import.db" --council "$GSS" "$tmp/import.csv" \
    >"$tmp/$1.out" 2>"$tmp/$1.time" || { cat "$tmp/$1.time" >&2; fail "the import failed"; }
  say "$(cat "$tmp/$1.out")"
}
import_run import
import_run reimport
created=$(sed -n 's/^created \([0-9]*\), updated \([0-9]*\), .*/\1 \2/p' "$tmp/import.out" | awk '{print $1 + $2}')
[ "$created" = "$IMPORT_ROWS" ] || fail "the import created or updated ${created:-no} rows, not $IMPORT_ROWS: $(cat "$tmp/import.out")"

# --- 4. Digest ---------------------------------------------------------------

people=$(sqlite3 "$db" "SELECT count(*) FROM users WHERE disabled_at IS NULL AND digest != 'off'")
"$tmp/smtpsink" >"$tmp/sink.out" &
sink=$!
for _ in $(seq 100); do
  smtp=$(head -n1 "$tmp/sink.out")
  [ -n "$smtp" ] && break
  sleep 0.1
done
[ -n "$smtp" ] || fail "the SMTP sink did not start"
day=$(TZ=Europe/London date -d tomorrow +%F)
say "running the digest for $day for $people people"
"$TIME" -v bin/jointly jobs run digest --for "$day" --smtp-url "smtp://$smtp" \
  --base-url https://jointly.example --outbox "$tmp/outbox" >"$tmp/digest.out" 2>"$tmp/digest.time" ||
  { cat "$tmp/digest.time" >&2; fail "the digest failed"; }
say "$(head -n1 "$tmp/digest.out")"
stop "$sink"
sink=
received=$(sed -n 's/^messages \([0-9]*\) bytes \([0-9]*\)$/\1/p' "$tmp/sink.out")

# --- Results -----------------------------------------------------------------

wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/$1.time"; }
secs() { wall "$1" | awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.1f", s}'; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/$1.time" | awk '{printf "%.0f", $1/1024}'; }
cpu() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$tmp/$1.time"; }
loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git rev-parse --short HEAD)
[ -z "$(git status --porcelain --untracked-files=no)" ] || commit="$commit with uncommitted changes"
total=$(($(date +%s) - began))

{
  echo "# Jointly at national scale"
  echo
  echo "Written by \`make bench\` (bench/run-all.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), in $((total / 60)) min $((total % 60)) s in all."
  echo
  echo "## Machine"
  echo
  echo "- $(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1) ($(uname -m)), $(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) memory, Linux $(uname -r)"
  echo "- $(go env GOVERSION); jointly $commit"
  echo "- Load average $loadavg_before before the run, $loadavg_after after it (1, 5 and 15 minutes)."
  echo "- While the pages were loaded ($load_seconds s, so $available_cpu CPU-seconds on $(nproc) CPUs) the server used $server_cpu"
  echo "  CPU-seconds, the load generator $load_cpu and other processes $other_cpu. The load generator runs on the same"
  echo "  CPUs as the server, so every figure below is for the two together."
  if ((other_cpu * 10 > available_cpu)); then
    echo "- **The machine was shared:** other processes took $((100 * other_cpu / available_cpu))% of the CPU time during the page loads,"
    echo "  so latencies are longer and throughputs lower than on a machine of our own."
  fi
  echo
  echo "## Dataset"
  echo
  echo "\`jointly seed --scale national --contracts $CONTRACTS --users $USERS --seed $SEED\` over mySociety's councils and the"
  echo "demo seed (${seed_seconds}s for the seed command; the database is $db_mib MiB):"
  echo
  echo "    $summary"
  echo
  echo "## Start-up and memory"
  echo
  echo "\`jointly serve --addr 127.0.0.1:0\` on that database (just written, so in the page cache), every scheduled job but"
  echo "close-bids given a schedule that never falls due so that the server does not catch up a digest, briefings and a"
  echo "backup while it is measured (a server that has been running owes none)."
  echo
  echo "| | Figure |"
  echo "| --- | ---: |"
  echo "| From exec to the first 200 from /healthz | $startup_ms ms |"
  echo "| Resident (VmRSS) after start-up | $rss_started MiB |"
  echo "| Peak resident (VmHWM) after start-up | $hwm_started MiB |"
  echo "| Resident (VmRSS) after the page loads | $rss_loaded MiB |"
  echo "| Peak resident (VmHWM) after the page loads | $hwm_loaded MiB |"
  echo
  echo "## Pages"
  echo
  echo "Each URL is loaded on its own, one after another, signed in as the demo officer of Leeds ($OFFICER: a session"
  echo "for pages, an API token for /api/), at each client count in turn. Latencies are measured at the client, over"
  echo "loopback, reading the whole body; any status but 2xx or 3xx is an error. \"Share of healthz\" is the URL's"
  echo "throughput as a share of /healthz's in the same table: /healthz does one database check and writes a small JSON"
  echo "body through the same middleware (sessions, headers, request log), so it is what the framework, the request log and"
  echo "the load generator manage at all on these CPUs. \"Server CPU ms/request\" is the CPU time the server process used"
  echo "(user and system, every thread, from /proc/PID/stat) over the requests it answered: what a page costs, which other"
  echo "processes on a shared machine change far less than its latency or throughput (on $(nproc) cores of its own, a page"
  echo "costing 10 ms could be answered at most $(($(nproc) * 100)) times a second). Product $product is one Leeds runs in $CATEGORY; opportunity"
  echo "$opportunity is the demo seed's published Bradford–Leeds bid. Search runs over the registers, suppliers, bids and the"
  echo "starter library (the national seed writes no library items). A 95th percentile above the service level in"
  echo "PRODUCT.md ($P95_LIMIT for a page a user waits for) is in bold."
  echo "Each client sends its next request as soon as an answer arrives (no pause to read the page), so every run"
  echo "saturates the server, and a URL's mean latency is about the number of clients divided by its throughput."
  if [ "$server_errors" != 0 ]; then
    echo
    echo "**The server logged $server_errors lines with \"database is locked\" or \"panic\" during the loads.**"
  fi
  echo
  cat "$tmp/load.md"
  echo "## Import"
  echo
  echo "\`jointly import contracts --council $GSS FILE\` into a copy of the database (sqlite3's \`.backup\`) with the server"
  echo "stopped: a Transparency Code CSV of $IMPORT_ROWS rows ($((import_bytes / 1024)) KiB) exported with \`jointly export csv\` from the"
  echo "largest registers other than Leeds's, so every row is new to Leeds; then the same file again, which changes nothing."
  echo "Measured by \`/usr/bin/time -v\`."
  echo
  echo "| Run | Summary | Wall clock s | Rows/s | CPU seconds | Peak RSS MiB |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  for run in import reimport; do
    echo "| $run | $(cat "$tmp/$run.out") | $(secs $run) | $(awk -v n="$IMPORT_ROWS" -v s="$(secs $run)" 'BEGIN {printf "%.0f", (s > 0 ? n / s : 0)}') | $(cpu $run) | $(rss $run) |"
  done
  echo
  echo "## Digest"
  echo
  echo "\`jointly jobs run digest --for $day\` (tomorrow's period, so everything seeded today is news) for the $people people"
  echo "who take a digest, delivering over SMTP to bench/smtpsink on loopback, as bench/run-digest.sh does; the time"
  echo "includes writing every digest into the outbox and delivering them all. Measured by \`/usr/bin/time -v\`."
  echo
  echo "| Result | Wall clock | CPU seconds | Peak RSS MiB |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| $(head -n1 "$tmp/digest.out") | $(wall digest) | $(cpu digest) | $(rss digest) |"
  echo
  echo "The SMTP sink accepted ${received:-no} messages."
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
say "wrote $OUT"
cat "$OUT"
