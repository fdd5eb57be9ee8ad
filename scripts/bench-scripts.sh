#!/usr/bin/env bash
# What scripts cost: 1,000 requests that each run a 10-line test script (pm.test +
# pm.expect on the status, a header and JSON fields), against `runner mock` serving a
# ~1 KB JSON document on 127.0.0.1 (a compiled server), timed:
#   - runner with the scripts, and the same requests with the equivalent `expect:` only;
#     script overhead per request = the difference / 1,000 (target < 0.3 ms);
#   - Newman 6 on the same collection (target: runner at least 20x faster);
#   - start-up of a one-request collection without scripts, and, with --before PATH, the
#     same for another runner binary (a build from before scripts existed).
#
#   scripts/bench-scripts.sh [--runs N] [--before PATH]
#
# Times are medians of N runs (default 5) after one warm-up run: measured with hyperfine
# when it is installed, else with a loop here. Newman is installed with npm into
# $CARGO_TARGET_DIR/newman-6 (as the parity tests do); without node/npm its row is left
# out. Exit status: 0 every target met, 1 a target missed, 2 the benchmark failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=5
before=""
while [[ $# -gt 0 ]]; do
    case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --before) before="$(realpath "$2")"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--before PATH]" >&2; exit 2 ;;
    esac
done
requests=1000
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --bin runner
runner="$(realpath "$target/release/runner")"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The server: runner's own mock server (compiled Rust, loopback) serving the saved example.
python3 - "$work" <<'EOF'
import json, sys
items = [{"id": i, "name": f"Item {i}", "status": "OK",
          "description": "A connection used by the benchmark; the text pads each item."}
         for i in range(1, 11)]
doc = json.dumps({"items": items, "totalResults": 10})
open(f"{sys.argv[1]}/server.yaml", "w").write(
    "name: bench server\nrequests:\n  - name: small\n    url: /small\n    examples:\n"
    "      - status: 200\n        headers: { content-type: application/json }\n"
    f"        json: {doc}\n"
)
EOF
"$runner" mock "$work/server.yaml" --port 0 >"$work/server.out" 2>&1 &
server_pid=$!
base_url=""
for _ in $(seq 100); do
    base_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.out" | head -n 1 || true)
    [[ -n "$base_url" ]] && break
    sleep 0.1
done
[[ -n "$base_url" ]] || { echo "error: the server did not start" >&2; cat "$work/server.out" >&2; exit 2; }

# The collections: the same GETs of /small ({"items": [10 items], "totalResults": 10}).
python3 - "$work" "$requests" <<'EOF'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
script = [
    'pm.test("status is 200", function () {',
    '    pm.response.to.have.status(200);',
    '});',
    'pm.test("JSON with ten OK items", function () {',
    '    pm.expect(pm.response.headers.get("Content-Type")).to.include("application/json");',
    '    var body = pm.response.json();',
    '    pm.expect(body.totalResults).to.equal(10);',
    '    pm.expect(body.items[0].status).to.equal("OK");',
    '    pm.expect(body.items).to.have.lengthOf(10);',
    '});',
]
assert len(script) == 10
def yaml(name, block):
    lines = [f"name: {name}", "requests:"]
    for i in range(1, n + 1):
        lines += [f"  - name: get {i}", '    url: "{{ base_url }}/small"'] + block
    return "\n".join(lines) + "\n"
scripted = ["    scripts:", "      test: |"] + ["        " + l for l in script]
declared = [
    "    expect:",
    "      status: 200",
    "      headers:",
    "        content-type: { contains: application/json }",
    "      json:",
    "        $.totalResults: 10",
    '        $.items[0].status: "OK"',
]
open(f"{work}/scripts.yaml", "w").write(yaml("bench scripts", scripted))
open(f"{work}/expect.yaml", "w").write(yaml("bench expect", declared))
open(f"{work}/startup.yaml", "w").write(
    'name: bench start-up\nrequests:\n  - name: get\n    url: "{{ base_url }}/small"\n    expect:\n      status: 200\n'
)
item = lambda i: {
    "name": f"get {i}",
    "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": script}}],
    "request": {"method": "GET", "url": "{{base_url}}/small"},
}
json.dump({
    "info": {"name": "bench scripts", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
    "item": [item(i) for i in range(1, n + 1)],
}, open(f"{work}/scripts.postman_collection.json", "w"))
EOF

newman=""
if command -v node >/dev/null && command -v npm >/dev/null; then
    cache="$target/newman-6"
    if [[ ! -f "$cache/node_modules/newman/bin/newman.js" ]]; then
        staging="$cache.$$.tmp"
        rm -rf "$staging" && mkdir -p "$staging"
        (cd "$staging" && npm install --no-audit --no-fund --no-save --prefer-offline newman@6 >/dev/null)
        mv -T "$staging" "$cache" 2>/dev/null || rm -rf "$staging"
    fi
    newman="$(realpath "$cache/node_modules/newman/bin/newman.js")"
else
    echo "note: node/npm not found; Newman is left out" >&2
fi

# median NAME COMMAND...: the median wall time of COMMAND in ms, into $work/NAME.ms.
# The command must exit 0 (every test passed).
median() {
    local name="$1"; shift
    if command -v hyperfine >/dev/null; then
        hyperfine -N --style none --warmup 1 --runs "$runs" \
            --export-json "$work/$name.json" -- "$*" >/dev/null
        python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' \
            "$work/$name.json" >"$work/$name.ms"
    else
        "$@" >/dev/null 2>&1
        local times=()
        for _ in $(seq "$runs"); do
            local start end
            start=$(date +%s%N)
            "$@" >/dev/null 2>&1 || { echo "error: $* failed" >&2; exit 2; }
            end=$(date +%s%N)
            times+=($(((end - start) / 1000)))
        done
        printf '%s\n' "${times[@]}" | sort -n |
            awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1000 }' \
                >"$work/$name.ms"
    fi
}

timer=$(command -v hyperfine >/dev/null && echo "hyperfine $(hyperfine --version | cut -d' ' -f2)" || echo "a shell loop")
echo "runner: $runner; server: $base_url; median of $runs runs after a warm-up, measured with $timer" >&2
run_args=(--var "base_url=$base_url" --color never -q)
median scripts "$runner" run "$work/scripts.yaml" "${run_args[@]}"
median expect "$runner" run "$work/expect.yaml" "${run_args[@]}"
median startup "$runner" run "$work/startup.yaml" "${run_args[@]}"
[[ -n "$before" ]] && median startup_before "$before" run "$work/startup.yaml" "${run_args[@]}"
if [[ -n "$newman" ]]; then
    median newman node "$newman" run "$work/scripts.postman_collection.json" \
        --env-var "base_url=$base_url" --reporters cli --reporter-cli-silent
fi

ms() { cat "$work/$1.ms"; }
python3 - "$requests" "$(ms scripts)" "$(ms expect)" "$(ms startup)" \
    "$([[ -n "$before" ]] && ms startup_before || echo -)" \
    "$([[ -n "$newman" ]] && ms newman || echo -)" <<'EOF'
import sys
n = int(sys.argv[1])
scripts, expect, startup = map(float, sys.argv[2:5])
before, newman = sys.argv[5], sys.argv[6]
ok = True
def verdict(good):
    global ok
    ok &= good
    return "PASS" if good else "MISS"
overhead = (scripts - expect) / n
print(f"{n} GETs, 10-line test script each   {scripts:9.1f} ms")
print(f"{n} GETs, the same checks in expect:  {expect:9.1f} ms")
print(f"script overhead per request          {overhead:9.3f} ms   target < 0.3 ms   {verdict(overhead < 0.3)}")
if newman != "-":
    ratio = float(newman) / scripts
    print(f"Newman 6, same collection            {float(newman):9.1f} ms")
    print(f"runner faster than Newman by         {ratio:9.1f}x      target >= 20x     {verdict(ratio >= 20)}")
print(f"start-up, 1 GET, no scripts          {startup:9.1f} ms")
if before != "-":
    b = float(before)
    print(f"start-up, same, --before binary      {b:9.1f} ms   ({startup - b:+.1f} ms)")
sys.exit(0 if ok else 1)
EOF
