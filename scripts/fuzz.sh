#!/usr/bin/env bash
# Fuzzes every loader with cargo-fuzz, each target for a bounded time, one process at a
# time, and prints per-target figures. Not part of CI.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 120 s, every target)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Targets: collection environment data_csv data_json postman report_merge template.
# Seeds are written into fuzz/corpus/<target>/ from tests/fixtures, collections/ and
# environments/ (and a JSON report made by the runner binary); inputs that crash land in
# fuzz/artifacts/<target>/. Reproduce one with
#   fuzz/target/x86_64-unknown-linux-gnu/release/<target> <file>
# and turn it into a test in tests/integration/fuzz_regressions.rs.
#
# Environment: FUZZ_TARGET_DIR (default $CARGO_TARGET_DIR/cargo-fuzz or fuzz/target),
# FUZZ_RSS_MB (default 2048), RUNNER_BIN (a built runner binary, instead of `cargo build`).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-120}
shift || true
all=(collection environment data_csv data_json postman report_merge template)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
target_dir=${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:+$CARGO_TARGET_DIR/cargo-fuzz}}
target_dir=${target_dir:-$root/fuzz/target}
rss_mb=${FUZZ_RSS_MB:-2048}
fuzz="$root/fuzz"
build_flags=(-O -a -s none --codegen-units 16 --target-dir "$target_dir")

max_len() {
  case $1 in
    template) echo 1024 ;;
    data_csv | data_json | environment) echo 8192 ;;
    *) echo 32768 ;;
  esac
}

dict() {
  case $1 in
    collection | environment | template) echo "$fuzz/dict/yaml.dict" ;;
    *) echo "$fuzz/dict/json.dict" ;;
  esac
}

seed() { # seed TARGET FILE... : copies files into the target's corpus
  local t=$1
  shift
  mkdir -p "$fuzz/corpus/$t"
  local f
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$fuzz/corpus/$t/seed-$(basename "$f")"
  done
  return 0
}

seed_text() { # seed_text TARGET NAME TEXT
  mkdir -p "$fuzz/corpus/$1"
  printf '%s' "$3" > "$fuzz/corpus/$1/seed-$2"
}

seed_all() {
  seed collection "$root"/collections/*.yaml "$root"/tests/fixtures/bad/*.yaml
  seed environment "$root"/environments/*.yaml
  seed_text environment nested.yaml $'name: nested\nsecrets: [token, creds]\nvariables:\n  base_url: http://127.0.0.1:1\n  id: 12345678901234567890123\n  user: "{{ env.USER }}"\n  token: abc\n  n: 1e300\n  creds: { user: ann, pass: [x, y] }\n'
  seed_text data_csv basic.csv $'id, name,note\n1,ann,"a, b"\n2,"bob ""b""",\n'
  seed_text data_csv bom.csv $'\xef\xbb\xbfid;x\n1;2\n'
  seed_text data_json basic.json '[{"id":1,"name":"ann"},{"id":18446744073709551616,"nested":{"a":[1,2]}}]'
  seed_text data_json scalar.json '[1, "x", null]'
  seed postman "$root"/tests/fixtures/postman/*.json
  local c e
  for c in "$root"/tests/fixtures/postman/*.postman_collection.json; do
    e=${c%.postman_collection.json}.postman_environment.json
    if [ -f "$e" ]; then
      { cat "$c"; printf '\0'; cat "$e"; } > "$fuzz/corpus/postman/seed-with-env-$(basename "$c")"
    fi
  done
  seed_report
  mkdir -p "$fuzz/corpus/template"
  local i=0 t
  while IFS= read -r t; do
    i=$((i + 1))
    printf '%s' "$t" > "$fuzz/corpus/template/seed-$i"
  done < <(grep -ohE '\{[{%].*[}%]\}' "$root"/collections/*.yaml "$root"/tests/fixtures/bad/*.yaml | sort -u)
  seed_text template loop.txt '{% for i in items %}{{ loop.index }}={{ i | default("-") }}{% endfor %}'
  seed_text template filters.txt '{{ user.tags | join(",") | upper }} {{ name | base64 }} {{ "YQ==" | base64_decode }} {{ random_int(1, n) }} {{ big + 1 }}'
  seed_text template env.txt '{{ env.HOME }}{% if env.HOME is defined %}y{% endif %}{{ uuid() }}{{ now() }}'
}

# A JSON report of a real run (the mock server answers), as `report merge` reads it.
seed_report() {
  mkdir -p "$fuzz/corpus/report_merge"
  local bin=${RUNNER_BIN:-}
  if [ -z "$bin" ]; then
    (cd "$root" && cargo build --quiet --bin runner)
    bin=${CARGO_TARGET_DIR:-$root/target}/debug/runner
  fi
  local out="$fuzz/corpus/report_merge/seed-mock-run.json"
  (cd "$root" && "$bin" run collections/connections.yaml -e local --mock \
    --reporter "json=$out" > /dev/null 2>&1) || true
  [ -s "$out" ] || echo "warning: no JSON report seed ($bin run failed)" >&2
  # Errored requests and data rows: a request to a closed port, once per row.
  local tmp
  tmp=$(mktemp -d)
  printf 'name: refused\nrequests:\n  - name: down\n    url: http://127.0.0.1:9/x\n    expect:\n      status: 200\n' > "$tmp/c.yaml"
  printf 'id,name\n1,a\n2,b\n' > "$tmp/rows.csv"
  "$bin" run "$tmp/c.yaml" -d "$tmp/rows.csv" \
    --reporter "json=$fuzz/corpus/report_merge/seed-refused.json" > /dev/null 2>&1 || true
  rm -rf "$tmp"
}

seed_all
echo "building fuzz targets (target dir $target_dir)"
(cd "$fuzz" && nice -n 10 cargo +nightly fuzz build "${build_flags[@]}")
bin_dir="$target_dir/x86_64-unknown-linux-gnu/release"

summary=()
for t in "${targets[@]}"; do
  corpus="$fuzz/corpus/$t"
  artifacts="$fuzz/artifacts/$t"
  logs="$fuzz/artifacts/logs/$t"
  mkdir -p "$corpus" "$artifacts" "$logs"
  stamp="$logs/.started"
  touch "$stamp"
  echo "== $t: ${secs}s"
  start=$(date +%s)
  # -jobs=1 runs the fuzzer in one child process whose output goes to fuzz-0.log here.
  (cd "$logs" && nice -n 10 "$bin_dir/$t" "$corpus" \
    -max_total_time="$secs" -jobs=1 -workers=1 \
    -max_len="$(max_len "$t")" -dict="$(dict "$t")" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" \
    -timeout=10 -close_fd_mask=3 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" > "$logs/main.log" 2>&1) || true
  took=$(($(date +%s) - start))
  log="$logs/fuzz-0.log"
  execs=$(grep -ohE 'stat::number_of_executed_units: *[0-9]+' "$log" 2>/dev/null | grep -oE '[0-9]+$' | tail -1)
  rss=$(grep -ohE 'stat::peak_rss_mb: *[0-9]+' "$log" 2>/dev/null | grep -oE '[0-9]+$' | tail -1)
  execs=${execs:-0}
  found=$(find "$artifacts" -maxdepth 1 -type f -newer "$stamp")
  crashes=$(printf '%s' "$found" | grep -c . || true)
  rate=$((execs / (took > 0 ? took : 1)))
  line=$(printf '%-13s %5ss %10s execs %7s/s  peak %5s MB  corpus %5s  new crashes %s' \
    "$t" "$took" "$execs" "$rate" "${rss:-?}" "$(find "$corpus" -type f | wc -l)" "$crashes")
  echo "$line"
  if [ "$crashes" -gt 0 ]; then
    grep -hE '^==[0-9]+== ERROR|^SUMMARY|out-of-memory|timeout after' "$log" | head -3 || true
    for f in $found; do
      echo "  $f"
      # Once more without closing stderr, for the panic message.
      timeout 20 "$bin_dir/$t" -rss_limit_mb="$rss_mb" "$f" 2>&1 | grep -m1 -A1 'panicked at' | sed 's/^/    /' || true
    done
  fi
  summary+=("$line")
done

echo
echo "target          time      execs    execs/s  peak RSS      corpus  new crashes"
printf '%s\n' "${summary[@]}"
echo "crashing inputs: $fuzz/artifacts/<target>/ (logs: $fuzz/artifacts/logs/<target>/fuzz-0.log)"
