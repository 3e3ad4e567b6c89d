#!/usr/bin/env bash
# Sample-size benchmark: `mscsim samplesize` against a plain grid over n reaching the same
# precision, for a t test with d = 0.5 at 80 % power (1:1) and for the starting2_mrs_shift
# preset analysed by proportional odds.
#
# The plain grid is what a planner without the search would run: every allocation block from
# half to one and a half times the answer (a generous prior guess of where it lies), each with
# as many trials as one confirmation, so that every size has the precision the answer has.
# Its time is measured on GRID_SAMPLE evenly spaced sizes of the grid and scaled by the
# number of sizes (the sample has the grid's mean n, and the cost per trial is linear in n);
# its trial count is exact.
#
# Usage: bench_samplesize.sh PATH/TO/mscsim PATH/TO/repository [threads (0 = all cores)]
set -eu
bin=$1 root=$2 threads=${3:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GRID_SAMPLE=5

now() { date +%s.%N; }

bench() { # NAME CONFIG ARGS...
    local name=$1 config=$2
    shift 2
    local t0 t1
    t0=$(now)
    "$bin" samplesize "$config" "$@" --threads "$threads" --quiet --out "$tmp/$name.csv" >/dev/null
    t1=$(now)
    # Answer columns: 3 n_total, 4 n_control, 5 n_msc, 10 reps per confirmation, 18 trials.
    local answer n0 n1 reps trials
    read -r answer n0 n1 reps trials < <(awk -F, 'NR == 2 { print $3, $4, $5, $10, $18 }' "$tmp/$name.csv")
    local block
    block=$(awk -v c="$n0" -v m="$n1" 'BEGIN { a = c; b = m; while (b) { r = a % b; a = b; b = r }; print (c + m) / a }')
    local lo=$(((answer / 2 + block - 1) / block * block)) hi=$((answer * 3 / 2 / block * block))
    local sizes=$(((hi - lo) / block + 1)) sample="" k
    for ((k = 0; k < GRID_SAMPLE; k++)); do
        local n=$((lo + (sizes - 1) * k / (GRID_SAMPLE - 1) * block))
        sample="$sample${sample:+,}$n"
    done
    local t2 t3
    t2=$(now)
    "$bin" run "$config" "$@" --set "trial.n=$sample" --reps "$reps" --threads "$threads" \
        --quiet --out "$tmp/${name}_grid.csv" >/dev/null
    t3=$(now)
    awk -v name="$name" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v answer="$answer" \
        -v trials="$trials" -v sizes="$sizes" -v reps="$reps" -v k="$GRID_SAMPLE" -v lo="$lo" \
        -v hi="$hi" 'BEGIN {
        grid_trials = sizes * reps
        grid_time = (t3 - t2) * sizes / k
        printf "%-14s n = %-4d samplesize: %9d trials %7.2f s | grid %d..%d: %3d sizes x %6d = %10d trials %8.1f s | %5.1fx the trials, %5.1fx the time\n",
            name, answer, trials, t1 - t0, lo, hi, sizes, reps, grid_trials, grid_time,
            grid_trials / trials, grid_time / (t1 - t0)
    }'
}

echo "samplesize against a plain grid at the confirmation's precision"
# The minimal design: normal outcome, SD 1, no dropout; d = 0.5 by the MSC mean.
bench ttest_d0.5 "$root/tests/configs/good/minimal.ini" --set msc.mean=0.5 --reps 10000
bench starting2_po "$root/configs/starting2_mrs_shift.ini" --set analysis.test=po
