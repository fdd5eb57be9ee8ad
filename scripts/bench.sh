#!/usr/bin/env bash
# runner against Hurl on the same workloads, served by nginx on 127.0.0.1.
#
#   scripts/bench.sh                     5 rounds, every workload, callgrind counts
#   scripts/bench.sh --rounds 9          more rounds on a busy machine
#   scripts/bench.sh --callgrind-only    only runner's instruction counts (W1, W2, W3)
#   scripts/bench.sh --runner PATH       measure another runner binary (no build)
#   scripts/bench.sh --hurl PATH         use this Hurl binary
#
# Workloads (every request asserts its status and one JSONPath):
#   W1  1,000 sequential GETs of a 1 KB JSON document
#   W2  100 sequential GETs of a 101 KB JSON document
#   W3  start-up: one GET (20 processes one after the other per round)
#   W4  8 files x 125 GETs of the 1 KB document, 8 files at a time
#   M1  10,000 iterations of a one-request file (runner -n, Hurl --repeat)
#   M2  a file of 10,000 requests
#   M3  one 50 MB JSON body (the JSONPath picks a value near its end)
# Hurl runs in test mode (--test), with --jobs 1 except on W4. Each round runs runner and Hurl
# one after the other (the order alternates by round); the script prints the median of the
# per-round ratios runner/Hurl of wall time and of CPU time (user + system; both from bash's
# `time` around the processes alone), the median wall times and the largest peak RSS (GNU
# time, on a separate run of each round). Then valgrind's callgrind counts the instructions
# runner executes on W1, W2 and W3 (stable under machine noise, unlike wall times).
#
# Needs: nginx (Debian: nginx-light), GNU time (Debian: time), valgrind for the counts. Hurl
# is taken from --hurl, $HURL, PATH or the cache folder, else installed there with
# `cargo install hurl --version 8.0.1 --locked` (needs Debian's libcurl4-openssl-dev,
# libxml2-dev, libclang-dev and pkg-config); when that fails the script says why and measures runner alone.
# Any run that exits non-zero aborts the benchmark (exit 2). Not part of CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rounds=5
callgrind_only=false
runner=""
hurl="${HURL:-}"
hurl_version=8.0.1
cache="${RUNNER_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-bench}"
while [[ $# -gt 0 ]]; do
    case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --callgrind-only) callgrind_only=true; shift ;;
    --runner) runner="$(realpath "$2")"; shift 2 ;;
    --hurl) hurl="$(realpath "$2")"; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--callgrind-only] [--runner PATH] [--hurl PATH]" >&2; exit 2 ;;
    esac
done

die() { echo "error: $*" >&2; exit 2; }

if [[ -z "$runner" ]]; then
    cargo build --release --locked --bin runner
    runner="$(realpath "${CARGO_TARGET_DIR:-target}/release/runner")"
fi
[[ -x "$runner" ]] || die "no runner binary at $runner"
nginx_bin="$(command -v nginx || true)"
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
[[ -n "$nginx_bin" ]] || die "nginx is not installed (Debian: apt-get install nginx-light)"
[[ -x /usr/bin/time ]] || die "GNU time is not installed (Debian: apt-get install time)"

# Hurl: found, or installed into the cache folder.
if ! $callgrind_only && [[ -z "$hurl" ]]; then
    if command -v hurl >/dev/null; then
        hurl="$(command -v hurl)"
    elif [[ -x "$cache/hurl/bin/hurl" ]]; then
        hurl="$cache/hurl/bin/hurl"
    else
        echo "Installing Hurl $hurl_version into $cache/hurl (several minutes)..." >&2
        mkdir -p "$cache/hurl"
        if cargo install hurl --version "$hurl_version" --locked --root "$cache/hurl" \
            >"$cache/hurl/install.log" 2>&1; then
            hurl="$cache/hurl/bin/hurl"
        else
            echo "warning: installing Hurl failed; runner is measured alone. The end of" \
                "$cache/hurl/install.log:" >&2
            tail -n 15 "$cache/hurl/install.log" >&2
        fi
    fi
fi

work="$(mktemp -d)"
chmod 755 "$work"
nginx_pid=""
cleanup() {
    if [[ -n "$nginx_pid" ]]; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------- documents
item() { printf '{"id":%d,"name":"Item %d","status":"OK","description":"A connection used by the benchmark; the text pads each item."}' "$1" "$1"; }
document() { # document COUNT
    local i sep=""
    printf '{"items":['
    for ((i = 1; i <= $1; i++)); do printf '%s' "$sep"; item "$i"; sep=","; done
    printf '],"totalResults":%d}' "$1"
}
mkdir -p "$work/www"
document 10 >"$work/www/small.json"
document 900 >"$work/www/big.json"
# 50 MB: the big document's items repeated (a JSON array).
{
    printf '['
    body="$(document 900)"
    for ((i = 0; i < 496; i++)); do printf '%s,' "$body"; done
    printf '%s]' "$body"
} >"$work/www/huge.json"

# ---------------------------------------------------------------------------- nginx
port=""
for candidate in $(shuf -i 20000-60000 -n 20); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port="$candidate"; break; fi
done
[[ -n "$port" ]] || die "no free loopback port found"
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    sendfile on;
    tcp_nopush on;
    types { application/json json; }
    default_type application/json;
    server {
        listen 127.0.0.1:$port;
        root $work/www;
    }
}
EOF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/stderr" &
nginx_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx/stderr" >&2; die "nginx did not start"; }
    sleep 0.05
done

# ---------------------------------------------------------------------------- collections
yaml() { # yaml FILE COUNT URL_PATH [JSONPATH EXPECTED]
    local i
    {
        printf 'name: bench\nrequests:\n'
        for ((i = 1; i <= $2; i++)); do
            printf '  - name: get %d\n    url: "{{ base }}%s"\n    expect:\n      status: 200\n' "$i" "$3"
            if [[ $# -ge 5 ]]; then printf '      json:\n        "%s": %s\n' "$4" "$5"; fi
        done
    } >"$1"
}
hurlfile() { # hurlfile FILE COUNT URL_PATH [JSONPATH EXPECTED]
    local i
    for ((i = 1; i <= $2; i++)); do
        printf 'GET {{base}}%s\nHTTP 200\n' "$3"
        if [[ $# -ge 5 ]]; then printf '[Asserts]\njsonpath "%s" == %s\n' "$4" "$5"; fi
        printf '\n'
    done >"$1"
}
both() { yaml "$work/$1.yaml" "${@:2}"; hurlfile "$work/$1.hurl" "${@:2}"; }
both w1 1000 /small.json '$.totalResults' 10
both w2 100 /big.json '$.totalResults' 900
both w3 1 /small.json '$.totalResults' 10
for f in 1 2 3 4 5 6 7 8; do both "w4-$f" 125 /small.json '$.totalResults' 10; done
both m1 1 /small.json '$.totalResults' 10
both m2 10000 /small.json '$.totalResults' 10
both m3 1 /huge.json '$[496].totalResults' 900

# Every workload: its runner arguments and Hurl arguments (collections/files last).
w4_yaml=() w4_hurl=()
for f in 1 2 3 4 5 6 7 8; do w4_yaml+=("$work/w4-$f.yaml"); w4_hurl+=("$work/w4-$f.hurl"); done
runner_args() {
    case "$1" in
    W1) echo "$work/w1.yaml" ;;
    W2) echo "$work/w2.yaml" ;;
    W3) echo "$work/w3.yaml" ;;
    W4) echo "-j 8 ${w4_yaml[*]}" ;;
    M1) echo "-n 10000 $work/m1.yaml" ;;
    M2) echo "$work/m2.yaml" ;;
    M3) echo "--max-body 64MiB $work/m3.yaml" ;;
    esac
}
hurl_args() {
    case "$1" in
    W1) echo "--jobs 1 $work/w1.hurl" ;;
    W2) echo "--jobs 1 $work/w2.hurl" ;;
    W3) echo "--jobs 1 $work/w3.hurl" ;;
    W4) echo "--parallel --jobs 8 ${w4_hurl[*]}" ;;
    M1) echo "--jobs 1 --repeat 10000 $work/m1.hurl" ;;
    M2) echo "--jobs 1 $work/m2.hurl" ;;
    M3) echo "--jobs 1 $work/m3.hurl" ;;
    esac
}
describe() {
    case "$1" in
    W1) echo "1,000 GETs, 1 KB JSON" ;;
    W2) echo "100 GETs, 101 KB JSON" ;;
    W3) echo "start-up, 1 GET (x20)" ;;
    W4) echo "8 files x 125 GETs, 8 at a time" ;;
    M1) echo "10,000 iterations" ;;
    M2) echo "a 10,000-request file" ;;
    M3) echo "one 50 MB JSON body" ;;
    esac
}
repeats() { [[ "$1" == W3 ]] && echo 20 || echo 1; }

# One measured run: prints "WALL_SECONDS PEAK_KIB CPU_SECONDS" (CPU: user + system). Wall and
# CPU come from bash's `time` around the processes alone: nothing else is forked inside the
# timed span, so a fixed cost of the measuring (GNU time, bc, a pipe) does not dilute the
# ratios. Peak RSS comes from a second, untimed run under GNU time. A non-zero exit aborts the
# benchmark.
command_of() { # command_of TOOL WORKLOAD: sets the array `cmd`
    if [[ "$1" == runner ]]; then
        # shellcheck disable=SC2207 # the arguments are paths without spaces (mktemp)
        cmd=("$runner" run --var "base=$base" $(runner_args "$2"))
    else
        # shellcheck disable=SC2207
        cmd=("$hurl" --test --variable "base=$base" $(hurl_args "$2"))
    fi
}
failed() { # failed TOOL WORKLOAD
    echo "error: $1 failed on $2 (${cmd[*]}):" >&2
    tail -n 20 "$work/out.txt" "$work/err.txt" >&2
    exit 2
}
repeat_run() { # repeat_run N: runs `cmd` N times; stops at the first failure
    local i
    for ((i = 0; i < $1; i++)); do
        "${cmd[@]}" >"$work/out.txt" 2>"$work/err.txt" || return 1
    done
}
timed() { # timed TOOL WORKLOAD
    local tool="$1" w="$2" n wall user system peak
    local -a cmd
    command_of "$tool" "$w"
    n="$(repeats "$w")"
    local TIMEFORMAT='%3R %3U %3S'
    { time repeat_run "$n"; } 2>"$work/time.txt" || failed "$tool" "$w"
    read -r wall user system <"$work/time.txt"
    /usr/bin/time -f '%M' -o "$work/rss.txt" "${cmd[@]}" >"$work/out.txt" 2>"$work/err.txt" ||
        failed "$tool" "$w"
    peak="$(tail -n 1 "$work/rss.txt")"
    echo "$wall $peak $(echo "$user + $system" | bc -l)"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
max() { sort -g | tail -n 1; }

echo "runner: $runner ($("$runner" --version))"
[[ -n "$hurl" ]] && echo "hurl:   $hurl ($("$hurl" --version | head -n 1))"
echo "server: nginx on $base; $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"

if ! $callgrind_only; then
    workloads=(W1 W2 W3 W4 M1 M2 M3)
    for w in "${workloads[@]}"; do
        for tool in runner hurl; do timed "$tool" "$w" >/dev/null; [[ -n "$hurl" ]] || break; done # warm-up
        : >"$work/$w.runner" && : >"$work/$w.hurl" && : >"$work/$w.ratio" && : >"$work/$w.cpu"
    done
    echo "$rounds rounds..."
    for ((round = 1; round <= rounds; round++)); do
        order=(runner hurl)
        ((round % 2 == 0)) && order=(hurl runner)
        [[ -n "$hurl" ]] || order=(runner)
        for w in "${workloads[@]}"; do
            for tool in "${order[@]}"; do timed "$tool" "$w" >>"$work/$w.$tool"; done
            if [[ -n "$hurl" ]]; then
                r="$(tail -n 1 "$work/$w.runner" | cut -d' ' -f1)"
                h="$(tail -n 1 "$work/$w.hurl" | cut -d' ' -f1)"
                echo "$r / $h" | bc -l >>"$work/$w.ratio"
                rc="$(tail -n 1 "$work/$w.runner" | cut -d' ' -f3)"
                hc="$(tail -n 1 "$work/$w.hurl" | cut -d' ' -f3)"
                # A round where a tool shows no CPU time at all is left out.
                if [[ "$(echo "$hc > 0 && $rc > 0" | bc -l)" == 1 ]]; then echo "$rc / $hc" | bc -l >>"$work/$w.cpu"; fi
            fi
        done
    done
    echo
    printf '%-4s %-32s %10s %10s %12s %9s %12s %12s\n' "" workload "runner ms" "hurl ms" "runner/hurl" "CPU r/h" "runner RSS" "hurl RSS"
    for w in "${workloads[@]}"; do
        rt="$(cut -d' ' -f1 "$work/$w.runner" | median)"
        rm_="$(cut -d' ' -f2 "$work/$w.runner" | max)"
        if [[ -n "$hurl" ]]; then
            ht="$(cut -d' ' -f1 "$work/$w.hurl" | median)"
            hm="$(cut -d' ' -f2 "$work/$w.hurl" | max)"
            ratio="$(median <"$work/$w.ratio")"
            cpu="-"
            if [[ -s "$work/$w.cpu" ]]; then cpu="$(printf '%.2fx' "$(median <"$work/$w.cpu")")"; fi
            printf '%-4s %-32s %10.1f %10.1f %11.2fx %9s %8.1f MiB %8.1f MiB\n' "$w" "$(describe "$w")" \
                "$(echo "$rt * 1000" | bc -l)" "$(echo "$ht * 1000" | bc -l)" "$ratio" "$cpu" \
                "$(echo "$rm_ / 1024" | bc -l)" "$(echo "$hm / 1024" | bc -l)"
        else
            printf '%-4s %-32s %10.1f %10s %12s %9s %8.1f MiB %12s\n' "$w" "$(describe "$w")" \
                "$(echo "$rt * 1000" | bc -l)" - - - "$(echo "$rm_ / 1024" | bc -l)" -
        fi
    done
    echo "(wall times and ratios: medians over $rounds rounds; CPU r/h: the same for user + system"
    echo " time, less sensitive to other load on the machine; RSS: the largest peak, from a"
    echo " separate run of each round under GNU time)"
fi

# ---------------------------------------------------------------------------- callgrind
if command -v valgrind >/dev/null; then
    echo
    instructions() { # instructions WORKLOAD: runner's instruction count (all threads)
        local out="$work/callgrind.out"
        # shellcheck disable=SC2046
        if ! valgrind --tool=callgrind --callgrind-out-file="$out" \
            "$runner" run --var "base=$base" $(runner_args "$1") >"$work/out.txt" 2>"$work/vg.txt"; then
            echo "error: runner failed on $1 under valgrind:" >&2
            tail -n 20 "$work/out.txt" "$work/vg.txt" >&2
            exit 2
        fi
        cat "$out"* | awk '/^summary:/ { s += $2 } END { print s }'
        rm -f "$out"*
    }
    w3="$(instructions W3)"
    w1="$(instructions W1)"
    w2="$(instructions W2)"
    printf 'instructions (callgrind, runner): W3 start-up %.2f M; W1 %.1f M in all, %.1f K per request\n' \
        "$(echo "$w3 / 1000000" | bc -l)" "$(echo "$w1 / 1000000" | bc -l)" "$(echo "$w1 / 1000 / 1000" | bc -l)"
    printf '  (%.1f K per request beyond start-up); W2 %.1f M in all, %.1f K per request\n' \
        "$(echo "($w1 - $w3) / 999 / 1000" | bc -l)" "$(echo "$w2 / 1000000" | bc -l)" "$(echo "$w2 / 100 / 1000" | bc -l)"
else
    echo "valgrind is not installed: no instruction counts (Debian: apt-get install valgrind)"
fi
