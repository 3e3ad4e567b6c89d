#!/usr/bin/env bash
# Writes the outputs the golden test compares into OUTDIR: for every shipped config a
# results CSV and resolved config at small reps, the `check` text, one simulated trial,
# a replicates file, a sweep over analyses and handlings, and one sample-size search.
# Usage: produce.sh MSCSIM CONFIG_DIR OUTDIR
set -euo pipefail
bin=$1 configs=$2 out=$3
mkdir -p "$out"
for cfg in "$configs"/*.ini; do
    name=$(basename "$cfg" .ini)
    "$bin" run "$cfg" --reps 60 --threads 2 --quiet --out "$out/$name.csv"
    "$bin" check "$cfg" > "$out/$name.check.txt"
    "$bin" simulate "$cfg" --n 12 --seed 7 --out "$out/$name.simulate.csv" 2>/dev/null
done
"$bin" run "$configs/lee2022_fma_motor.ini" --reps 30 --quiet --set trial.n=60 \
    --set control.dropout=0.2 --set msc.dropout=0.2 --set dropout.mechanism=mar \
    --set "analysis.tests=welch, ancova, wilcoxon" \
    --set "sweep.analysis.missing=complete_case, locf, mi" \
    --out "$out/sweep_missing.csv" --replicates "$out/sweep_missing_replicates.csv"
"$bin" samplesize "$configs/example.ini" --quiet --confirm-reps 400 \
    --out "$out/samplesize.csv" --trace "$out/samplesize_trace.csv"
"$bin" keys > "$out/keys.md"
