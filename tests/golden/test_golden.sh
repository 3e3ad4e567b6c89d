#!/usr/bin/env bash
# Golden outputs: every shipped config (and a sweep, replicates, a sample-size search,
# `check` and `keys`) must give byte-identical files to those stored in expected/, made by
# produce.sh before the round-two refactor. A change that is meant to alter outputs
# regenerates them (bash tests/golden/produce.sh build/mscsim configs tests/golden/expected)
# and says why in its commit.
# Usage: test_golden.sh MSCSIM SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
bash tests/golden/produce.sh "$bin" configs "$tmp/out" >/dev/null 2>&1
if diff -r tests/golden/expected "$tmp/out" > "$tmp/diff"; then
    echo "1 passed, 0 failed"
else
    head -40 "$tmp/diff"
    echo "0 passed, 1 failed"
    exit 1
fi
