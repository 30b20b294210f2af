#!/bin/sh
# Run bench/fgd_load.py against the bare echo room and the real FGD room, both served the same way
# (bench/serve.py, one process, the given async mode), one after the other on this machine.
#   bench/fgd_compare.sh gevent 1000 10 30      # mode, clients, messages/s, seconds
# The real room is seeded into a scratch SQLite database under bench/out/ (tokens included).
set -eu
MODE=${1:-gevent}; N=${2:-1000}; M=${3:-10}; SECONDS_=${4:-30}
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
OUT=bench/out; mkdir -p $OUT
export DATABASE_URL="sqlite:///$PWD/$OUT/bench.db"
if [ ! -f $OUT/room.json ]; then
  rm -f $OUT/bench.db
  $PY -m flask --app app db upgrade >/dev/null 2>&1
  $PY bench/seed_room.py --n "$N" --out $OUT/room.json
fi
run() {  # which port extra...
  log="$OUT/$1-$MODE.log"
  $PY bench/serve.py "$1" --port "$2" --mode "$MODE" >"$log" 2>&1 &
  pid=$!
  sleep 4
  shift 2
  timeout 900 $PY bench/fgd_load.py -n "$N" -m "$M" --duration "$SECONDS_" --procs "${PROCS:-1}" "$@" 2>>"$OUT/client.err" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  grep server_cpu_s "$log" || true
}
run echo 8100 --url http://127.0.0.1:8100
run app 8200 --url http://127.0.0.1:8200 --room $OUT/room.json
