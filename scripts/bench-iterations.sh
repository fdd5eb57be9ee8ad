#!/usr/bin/env bash
# Wall time and peak RSS of `runner run` over N iterations of a 5-request collection
# against a local server, sequential and with --parallel 8, without and with reports.
# Usage: scripts/bench-iterations.sh [ITERATIONS]   (default 10000; needs python3 and GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
PORT="${PORT:-18390}"
cargo build --release --quiet
BIN="$PWD/target/release/runner"
DIR="$(mktemp -d)"
python3 scripts/bench_server.py "$PORT" &
SERVER=$!
trap 'kill "$SERVER"; rm -rf "$DIR"' EXIT
sleep 0.5
cat > "$DIR/bench.yaml" <<YAML
name: bench
requests:
  - name: one
    url: "http://127.0.0.1:$PORT/one?i={{ iteration }}"
    expect: { status: 200, json: { \$.ok: true } }
    capture: { id: \$.id }
  - name: two
    url: "http://127.0.0.1:$PORT/two/{{ id }}"
    expect: { status: 200 }
  - folder: more
    requests:
      - name: three
        url: "http://127.0.0.1:$PORT/three"
        expect: { status: 200 }
      - name: four
        url: "http://127.0.0.1:$PORT/four"
        expect: { json: { \$.id: 42 } }
      - name: five
        url: "http://127.0.0.1:$PORT/five"
        expect: { status: 200 }
YAML
run() {
  local label="$1"; shift
  /usr/bin/time -f "$label: %e s wall, %M KiB peak RSS" \
    "$BIN" run "$DIR/bench.yaml" -n "$N" "$@" > "$DIR/out.txt" 2> "$DIR/time.txt" || true
  tail -n 1 "$DIR/time.txt"
  grep '^Requests:' "$DIR/out.txt"
}
run "sequential, terminal only" 
run "--parallel 8, terminal only" --parallel 8
run "sequential, junit+json reports" --reporter "junit=$DIR/j.xml" --reporter "json=$DIR/r.json"
run "--parallel 8, junit+json reports" --parallel 8 --reporter "junit=$DIR/j.xml" --reporter "json=$DIR/r.json"
ls -l "$DIR/j.xml" "$DIR/r.json" | awk '{print $5, $9}'
