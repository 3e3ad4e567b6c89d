#!/usr/bin/env bash
# Regenerates the README's figures from the presets: each figure is drawn by `mscsim plot`
# from a CSV that `mscsim run` or `mscsim samplesize` writes here.
# Run from the repository root after building: bash results/readme/make_figures.sh
set -euo pipefail
bin=./build/mscsim
out=results/readme
q=--quiet

# 1. Power against n: the STARTING-2 mRS shift design, three analyses on the same trials.
$bin run configs/starting2_mrs_shift.ini $q --reps 4000 --set "trial.n=60, 150, 300, 450, 600" \
    --set "analysis.tests=po, wilcoxon, welch" --out $out/power_vs_n.csv >/dev/null
$bin plot $out/power_vs_n.csv --out $out/power_vs_n.png >/dev/null

# 2. Power against a swept parameter: the seed trial's MSC effect, one line per n.
$bin run configs/lee2022_fma_motor.ini $q --reps 4000 --set "sweep.msc.r_gain=0.05, 0.1, 0.15, 0.2" \
    --out $out/effect_sweep.csv >/dev/null
$bin plot $out/effect_sweep.csv --out $out/effect_sweep.png >/dev/null

# 3. Heat map over two swept keys: the seed trial at n = 60, effect x MAR dropout.
$bin run configs/lee2022_fma_motor.ini $q --reps 4000 --set trial.n=60 \
    --set "sweep.msc.r_gain=0.05, 0.1, 0.15, 0.2" --set "sweep.control.dropout=0, 0.1, 0.2, 0.3" \
    --set dropout.mechanism=mar --set dropout.odds_ratio=2 --out $out/heatmap.csv >/dev/null
$bin plot $out/heatmap.csv --out $out/heatmap.png >/dev/null

# 4. Histogram of estimates: the seed trial at n = 60, one row per simulated trial.
$bin run configs/lee2022_fma_motor.ini $q --reps 4000 --set trial.n=60 \
    --set analysis.endpoint=change --out $out/replicates_summary.csv \
    --replicates $out/replicates.csv >/dev/null
$bin plot $out/replicates.csv --out $out/replicates.png >/dev/null

# 5. The sample-size search for the seed trial.
$bin samplesize configs/lee2022_fma_motor.ini $q --reps 4000 --out $out/samplesize.csv \
    > $out/samplesize.txt
$bin plot $out/samplesize_trace.csv --out $out/samplesize_trace.png >/dev/null
# 6. One simulated trial patient by patient: the courses behind the numbers.
$bin simulate configs/lee2022_fma_motor.ini --n 60 --out $out/patients.csv >/dev/null
$bin plot $out/patients.csv --out $out/patients.png >/dev/null
rm -f $out/*.config.ini $out/replicates.csv
