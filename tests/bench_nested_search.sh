#!/usr/bin/env bash
# The sample-size search on the nested table path against the nested patient path
# (`[simulation] shortcut = no`): the CPU seconds of `mscsim samplesize` with a token
# confirmation (--confirm-reps 100, so the search's nested trials are nearly all the work),
# best of RUNS runs, one thread, with the answers of both (they agree within Monte Carlo
# error: tests/test_shortcut_nested.c). The README's Table path quotes its output.
#
# Usage: bench_nested_search.sh PATH/TO/mscsim PATH/TO/repository [runs]
set -eu
bin=$1 root=$2 runs=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

best() { # ARGS...: the least user + system seconds of RUNS runs of mscsim samplesize ARGS
    local b="" t i
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f "%U %S" -o "$tmp/time" "$bin" samplesize "$@" --threads 1 --quiet \
            --confirm-reps 100 --out "$tmp/answer.csv" >/dev/null 2>&1
        t=$(awk '{ print $1 + $2 }' "$tmp/time")
        b=$(awk -v t="$t" -v b="$b" 'BEGIN { print ((b == "" || t < b) ? t : b) }')
    done
    echo "$b $(awk -F, 'NR == 2 { print $3 }' "$tmp/answer.csv")"
}

printf '%-58s %14s %14s %7s\n' design "patients s (n)" "tables s (n)" speedup
row() { # NAME ARGS...
    local name=$1
    shift
    local ps pn ts tn
    read -r ps pn < <(best "$@" --set simulation.shortcut=no)
    read -r ts tn < <(best "$@" --set simulation.shortcut=auto)
    printf '%-58s %7s (%4s) %7s (%4s) %6.2fx\n' "$name" "$ps" "$pn" "$ts" "$tn" \
        "$(awk -v a="$ps" -v b="$ts" 'BEGIN { print (b > 0 ? a / b : 0) }')"
}
row "example.ini (welch)" "$root/configs/example.ini"
row "example.ini, msc.mean=12" "$root/configs/example.ini" --set msc.mean=12
row "starting2_mrs_shift.ini, wilcoxon" "$root/configs/starting2_mrs_shift.ini" \
    --set analysis.test=wilcoxon
row "starting2_mrs_shift.ini, po" "$root/configs/starting2_mrs_shift.ini" --set analysis.test=po
row "starting2_mrs_shift.ini, wilcoxon, msc.odds_ratio=1.25" \
    "$root/configs/starting2_mrs_shift.ini" --set analysis.test=wilcoxon --set msc.odds_ratio=1.25
row "starting2_mrs_shift.ini, po, msc.odds_ratio=1.25" "$root/configs/starting2_mrs_shift.ini" \
    --set analysis.test=po --set msc.odds_ratio=1.25
