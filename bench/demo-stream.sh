#!/usr/bin/env bash
# bench/demo-stream.sh: the streaming path end to end in well under a
# minute, run by `make demo-stream` (which builds bin/ingest and
# bin/kafkademo first). bench/kafkademo starts an in-process Kafka broker
# and produces a generated 5-hour log with injected incidents (150,000
# lines) to a 4-partition topic; bin/ingest consumes it into a fresh
# PostgreSQL database; once every line is stored and detection has passed
# the end of the log, the script prints the incidents and a few minute
# totals from PostgreSQL, then stops both processes with SIGTERM. They
# are stopped on failure and on Ctrl-C too.
#
# Environment (all optional):
#   PG          PostgreSQL server URL without a database. Default:
#               postgres://postgres@127.0.0.1:5432
#   DB          database, dropped and created anew. Default: vigil_demo
#   LINES       lines to produce. Default: 150000
#   SPEED       lines produced per second. Default: 50000
#   HTTP_ADDR   ingest's /health and /metrics. Default: 127.0.0.1:9464
#   BIN         where ingest and kafkademo are. Default: bin
#   TIMEOUT     seconds to wait for the lines and detection. Default: 45
set -euo pipefail

PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-vigil_demo}
LINES=${LINES:-150000}
SPEED=${SPEED:-50000}
HTTP_ADDR=${HTTP_ADDR:-127.0.0.1:9464}
BIN=${BIN:-bin}
TIMEOUT=${TIMEOUT:-45}
GROUP=demo

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigil-demo.XXXXXX")
DEMO_PID='' INGEST_PID='' OK=0

log() { printf 'demo-stream: %s\n' "$*" >&2; }

# stop PID: SIGTERM, then SIGKILL after 15 s (ingest takes up to 10 s
# to flush); only the processes started here. Sets STATUS to its exit
# status.
STATUS=0
stop() {
	local pid=$1 i
	STATUS=0
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || STATUS=$?
}

cleanup() {
	stop "$INGEST_PID"
	stop "$DEMO_PID"
	if ((!OK)); then
		log "failed; the last lines of ingest's log and the broker's:"
		tail -n 20 "$WORK/ingest.log" "$WORK/kafkademo.log" >&2 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sql() { psql -X -q -v ON_ERROR_STOP=1 "$PG/$DB" "$@"; }
value() { sql -t -A -c "$1"; }

command -v psql >/dev/null || { log "psql is needed (apt-get install postgresql-client)"; exit 1; }
for b in ingest kafkademo; do
	[[ -x $BIN/$b ]] || { log "$BIN/$b is missing: run make demo-stream"; exit 1; }
done

log "database $DB: dropped and created anew on $PG"
PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$PG/postgres" \
	-c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

"$BIN/kafkademo" --listen 127.0.0.1:0 --topic logs --partitions 4 --lines "$LINES" --speed "$SPEED" \
	>"$WORK/broker" 2>"$WORK/kafkademo.log" &
DEMO_PID=$!
for ((i = 0; i < 100; i++)); do
	[[ -s $WORK/broker ]] && break
	kill -0 "$DEMO_PID" 2>/dev/null || { log "kafkademo did not start"; exit 1; }
	sleep 0.1
done
BROKER=$(head -n 1 "$WORK/broker")
[[ -n $BROKER ]] || { log "kafkademo printed no address"; exit 1; }
log "broker $BROKER: producing $LINES lines at $SPEED lines/s to topic logs (4 partitions)"

INGEST=("$BIN/ingest" --brokers "$BROKER" --topic logs --group "$GROUP" --pg "$PG/$DB"
	--flush 1s --idle 3s --session-timeout 6s --http-addr "$HTTP_ADDR")
log "${INGEST[*]}"
START=$EPOCHREALTIME
"${INGEST[@]}" >"$WORK/events" 2>"$WORK/ingest.log" &
INGEST_PID=$!

# Done when every line is stored and detection has closed every window
# up to the newest line (with --idle 3s, within seconds of the last one).
DONE="SELECT coalesce(sum(lines), 0) = $LINES
	AND coalesce((SELECT closed_to FROM vigil.detection WHERE consumer_group = '$GROUP')
		> max(newest), false)
	FROM vigil.partitions WHERE consumer_group = '$GROUP'"
deadline=$((SECONDS + TIMEOUT))
until [[ $(value "$DONE" 2>/dev/null) == t ]]; do
	kill -0 "$INGEST_PID" 2>/dev/null || { log "ingest exited"; exit 1; }
	((SECONDS < deadline)) || { log "not done after ${TIMEOUT}s: $(value "SELECT coalesce(sum(lines), 0) FROM vigil.partitions" 2>&1) lines stored"; exit 1; }
	sleep 0.5
done
took=$(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
log "$LINES lines stored and detection done ${took}s after ingest started; $(wc -l <"$WORK/events") incident events on its stdout"

echo
echo "vigil.incidents (superseded ones left out):"
sql -c "SELECT severity, kind, subject,
	to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI\"Z\"') AS started_at,
	to_char(ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI\"Z\"') AS ended_at, summary
	FROM vigil.incidents WHERE consumer_group = '$GROUP' AND superseded_by IS NULL ORDER BY started_at"
# Five rows around the minute with the most 5xx, found in vigil.windows:
# the view computes its percentiles over every stored window whatever
# the filter, so it is queried once, for a narrow range.
worst=$(value "SELECT start FROM vigil.windows GROUP BY start ORDER BY sum(errors_5xx) DESC, start LIMIT 1")
echo "vigil.minute_totals around the minute with the most 5xx:"
sql -c "SELECT to_char(minute AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI\"Z\"') AS minute, requests, errors_5xx,
	round(p50_ms, 1) AS p50_ms, round(p95_ms, 1) AS p95_ms, round(p99_ms, 1) AS p99_ms
	FROM vigil.minute_totals
	WHERE minute >= timestamptz '$worst' - interval '2 minutes' AND minute < timestamptz '$worst' + interval '3 minutes'
	ORDER BY minute"

stop "$INGEST_PID"
INGEST_PID=''
((STATUS == 0)) || { log "ingest exited $STATUS after SIGTERM, not 0"; exit 1; }
stop "$DEMO_PID"
DEMO_PID=''
((STATUS == 0)) || { log "kafkademo exited $STATUS after SIGTERM, not 0"; exit 1; }
OK=1
log "stopped ingest and the broker (SIGTERM), both exited 0"
