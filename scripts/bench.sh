#!/usr/bin/env bash
# End-to-end benchmark of the runner binary: per-request overhead over a raw HTTP
# exchange, start-up time and peak memory, against a server on 127.0.0.1.
#
#   scripts/bench.sh              5 runs of each scenario (median reported)
#   scripts/bench.sh --runs 9     more runs on a noisy machine
#
# Exit status: 0 every target met, 1 a target missed, 2 the benchmark itself failed.
# See benches/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The binary under test, exactly as shipped.
cargo build --release --bin runner

# The benchmark program is built in a target folder of its own: dev-dependencies switch
# on features of shared crates, so building it under target/release would relink
# target/release/runner (and the next release build would relink it back).
bench=$(
    cargo bench --bench overhead --no-run --target-dir target/bench \
        --message-format=json-render-diagnostics |
        grep -o '"executable":"[^"]*overhead-[^"]*"' | tail -n 1 | cut -d'"' -f4
)
if [[ -z "$bench" ]]; then
    echo "error: could not find the benchmark executable" >&2
    exit 2
fi
exec "$bench" --runner target/release/runner "$@"
