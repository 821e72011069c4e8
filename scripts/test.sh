#!/usr/bin/env bash
# The project's whole test suite: installs what the tests need, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/kube-local/install.sh
cargo test --locked --all-targets
# The load harness's HTTP ceiling is a crate of its own (benches/load/baseline): keep it building.
cargo build --locked -p flowgate-baseline
bash scripts/kube-local/smoke.sh
