#!/usr/bin/env bash
# Time and peak RSS of `runner validate` on a generated collection of 35,000 requests
# (about 44 MB), and of the refusal of an alias bomb.
# Usage: scripts/bench-big-collection.sh   (needs python3 and GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/runner"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
python3 - "$DIR" <<'PY'
import sys
out = sys.argv[1]
with open(f"{out}/big.yaml", "w") as f:
    f.write("name: big\nrequests:\n")
    for i in range(35000):
        f.write(f"""  - name: request {i}
    method: POST
    url: "http://127.0.0.1:1/items/{i}"
    headers: {{ Accept: application/json, X-Trace: "t-{i}" }}
    body:
      json: {{ id: {i}, tags: [a, b, c, d], note: "{'x' * 900}", nested: {{ k1: v1, k2: [1, 2, 3] }} }}
    expect:
      status: 200
      json:
        $.id: {i}
        $.tags: {{ type: array, length: 4 }}
""")
levels = "abcdefghi"
with open(f"{out}/bomb.yaml", "w") as f:
    f.write("name: bomb\nvariables:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
    for prev, cur in zip(levels, levels[1:]):
        f.write(f"  {cur}: &{cur} [{', '.join(['*' + prev] * 9)}]\n")
    f.write("requests:\n  - name: r\n    url: http://127.0.0.1:1/\n")
PY
ls -l "$DIR/big.yaml"
/usr/bin/time -f "validate big.yaml: %e s wall, %U s user, %M KB peak RSS" "$BIN" validate "$DIR/big.yaml"
/usr/bin/time -f "validate bomb.yaml: %e s wall, %U s user, %M KB peak RSS" "$BIN" validate "$DIR/bomb.yaml" || true
