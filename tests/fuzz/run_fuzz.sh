#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS on a seed
# corpus from configs/, tests/configs/ and tests/data/, in a temporary folder (so new corpus
# entries and crash files never land in the tree). A crash, leak or sanitizer report fails
# the run and prints the input; turn it into a regression config in tests/configs/bad.
# Usage: bash tests/fuzz/run_fuzz.sh [SECONDS]   (from the repository root)
set -euo pipefail
seconds=${1:-60}
root=$(pwd)
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DMSCSIM_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$(nproc 2>/dev/null || echo 2)" --target fuzz_config fuzz_csv >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/config" "$work/csv"
cp configs/*.ini tests/configs/good/*.ini tests/configs/bad/*.ini "$work/config/"
cp tests/data/plot/*.csv tests/data/*.csv "$work/csv/"
passed=0 failed=0
for target in config csv; do
    if (cd "$work" && "$root/build-fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=8192 \
            -print_final_stats=1 "$work/$target" >"$work/$target.log" 2>&1); then
        echo "PASS fuzz_$target: $(grep -o 'Done [0-9]* runs' "$work/$target.log") in ${seconds} s"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz_$target:"
        tail -40 "$work/$target.log"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
