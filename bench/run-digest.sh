#!/usr/bin/env bash
# The digest at national scale (issue 8, "Performance"): builds bin/jointly,
# makes a database with every UK council (mySociety's list, topped up to
# 418), the demo seed and the national-scale seed (400,000 contracts, 20,000
# people), then runs `jointly jobs run digest` for tomorrow's period (so
# everything seeded today is news) delivering over SMTP to bench/smtpsink,
# under /usr/bin/time for wall clock and peak resident memory, and runs it
# again to show the second run sends nothing. Writes bench/DIGEST.md.
#
#   make bench-digest
#   CONTRACTS=50000 USERS=2000 bench/run-digest.sh   # quicker
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=${CONTRACTS:-400000}
USERS=${USERS:-20000}
SEED=${SEED:-1}
COUNCILS_CSV=${COUNCILS_CSV:-../shared/data/local-authorities/mysociety/uk_local_authorities.csv}
OUT=${OUT:-bench/DIGEST.md}
TIME=${TIME:-/usr/bin/time}

if [ ! -f "$COUNCILS_CSV" ]; then
  echo "run-digest: $COUNCILS_CSV is missing (../shared beside the repository)" >&2
  exit 1
fi
if [ ! -x "$TIME" ]; then
  echo "run-digest: $TIME is missing (Debian: apt-get install time)" >&2
  exit 1
fi

tmp=$(mktemp -d)
sink=
cleanup() {
  if [ -n "$sink" ]; then kill "$sink" 2>/dev/null || true; wait "$sink" 2>/dev/null || true; fi
  rm -rf "$tmp" "$OUT.tmp"
}
trap cleanup EXIT

make --no-print-directory build >/dev/null
go build -o "$tmp/smtpsink" ./bench/smtpsink
db=$tmp/jointly.db
export JOINTLY_DB=$db

bin/jointly migrate >/dev/null
bin/jointly import councils "$COUNCILS_CSV" >/dev/null
bin/jointly seed --demo >/dev/null
summary=$(bin/jointly seed --scale national --contracts "$CONTRACTS" --users "$USERS" --seed "$SEED")
echo "$summary"
people=$(sqlite3 "$db" "SELECT count(*) FROM users WHERE disabled_at IS NULL AND digest != 'off'")

"$tmp/smtpsink" >"$tmp/sink.out" &
sink=$!
for _ in $(seq 100); do
  addr=$(head -n1 "$tmp/sink.out")
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "run-digest: the SMTP sink did not start" >&2; exit 1; }

day=$(TZ=Europe/London date -d tomorrow +%F)
run() {
  "$TIME" -v bin/jointly jobs run digest --for "$day" --smtp-url "smtp://$addr" \
    --base-url https://jointly.example --outbox "$tmp/outbox" >"$tmp/$1.out" 2>"$tmp/$1.time"
  cat "$tmp/$1.out"
}
run first
run second
kill "$sink"; wait "$sink" 2>/dev/null || true; sink=
received=$(sed -n 's/^messages \([0-9]*\) bytes \([0-9]*\)$/\1/p' "$tmp/sink.out")
bytes=$(sed -n 's/^messages \([0-9]*\) bytes \([0-9]*\)$/\2/p' "$tmp/sink.out")

wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/$1.time"; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/$1.time" | awk '{printf "%.0f", $1/1024}'; }
cpu() { awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$tmp/$1.time"; }

{
  echo "# The digest at national scale"
  echo
  echo "Written by \`make bench-digest\` (bench/run-digest.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'):"
  echo "$(nproc) CPUs ($(uname -m)), $(go env GOVERSION), jointly $(git rev-parse --short HEAD)."
  echo
  echo "Dataset: \`jointly seed --scale national --contracts $CONTRACTS --users $USERS --seed $SEED\` over mySociety's"
  echo "councils and the demo seed ($people people who take a digest):"
  echo
  echo "    $summary"
  echo
  echo "\`jointly jobs run digest --for $day\` (tomorrow's period, so everything seeded today is news), delivering"
  echo "over SMTP to bench/smtpsink on loopback, measured by \`/usr/bin/time -v\`. The time includes writing every"
  echo "digest into the outbox and delivering them all."
  echo
  echo "| Run | Result | Wall clock | CPU seconds | Peak RSS MiB |"
  echo "| --- | --- | ---: | ---: | ---: |"
  echo "| first | $(head -n1 "$tmp/first.out") | $(wall first) | $(cpu first) | $(rss first) |"
  echo "| second | $(head -n1 "$tmp/second.out") | $(wall second) | $(cpu second) | $(rss second) |"
  echo
  echo "The SMTP sink accepted $received messages ($bytes bytes)."
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
