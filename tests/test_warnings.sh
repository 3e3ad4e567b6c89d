#!/usr/bin/env bash
# Warnings for degenerate designs as a user meets them: on stderr once per scenario (design
# warnings) and once per n and analysis (result warnings), never per trial; in the
# `warnings` column of the results and sample-size answer CSVs (codes joined by ';', empty
# when none); and a clean design prints none. Also: a missing empirical file is the error a
# design with rho shows, not what rho makes of the file.
# Usage: test_warnings.sh PATH/TO/mscsim PATH/TO/tests
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") tests=$(cd "$2" && pwd)
good=$tests/configs/good/minimal.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { # NAME CONDITION-STATUS DETAIL
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1)); echo "PASS $1"
    else
        failed=$((failed + 1)); echo "FAIL $1: $3"
    fi
}
# The `warnings` cells of a CSV (the last column), one per line.
warnings_of() { awk -F, 'NR == 1 { c = NF } NR > 1 { print $c }' "$1"; }

# A Barthel baseline of normal(400, 20): every baseline is off the scale (clipped to 100),
# so ancova's covariate is constant and every fit fails.
cat >"$tmp/off.ini" <<'EOF'
[trial]
n = 40, 80
[outcome]
scale = barthel
[model]
type = normal
rho = 0.3
[baseline]
score = normal(400, 20)
[control]
mean = 5
sd = 10
[msc]
mean = 25
sd = 10
[analysis]
tests = welch, ancova
[simulation]
reps = 200
EOF
"$bin" run "$tmp/off.ini" --quiet --out "$tmp/off.csv" >"$tmp/off.out" 2>"$tmp/off.err"
check "run with warnings still succeeds" $? "$(cat "$tmp/off.err")"
head -1 "$tmp/off.csv" | grep -q ',warnings$'
check "results header ends with warnings" $? "$(head -1 "$tmp/off.csv")"
got=$(warnings_of "$tmp/off.csv" | tr '\n' ' ')
[ "$got" = "baseline_off_scale baseline_off_scale;failures baseline_off_scale baseline_off_scale;failures " ]
check "warnings column per row: design codes, and failures for ancova" $? "$got"
[ "$(grep -c '\[baseline_off_scale\]' "$tmp/off.err")" -eq 1 ]
check "the design warning is printed once" $? "$(cat "$tmp/off.err")"
grep -q 'puts 100 % of the baseline scores outside the barthel' "$tmp/off.err"
check "the design warning states the mass outside the scale" $? "$(cat "$tmp/off.err")"
[ "$(grep -c '\[failures\]' "$tmp/off.err")" -eq 2 ] &&
    grep -q 'n = 40: ancova: the analysis failed in every one of the 200 trials' "$tmp/off.err"
check "every trial failed: said once per n, naming n and the analysis" $? "$(cat "$tmp/off.err")"

# A sweep: the design warning once per scenario, naming it.
"$bin" run "$tmp/off.ini" --quiet --set trial.n=40 --set 'sweep.msc.mean=10, 20' \
    --out "$tmp/sweep.csv" >/dev/null 2>"$tmp/sweep.err"
[ "$(grep -c '\[baseline_off_scale\]' "$tmp/sweep.err")" -eq 2 ] &&
    grep -q 'scenario 2 (msc.mean = 20): \[baseline\] score' "$tmp/sweep.err"
check "a sweep: the design warning once per scenario, naming its values" $? \
    "$(cat "$tmp/sweep.err")"

# A clean design: no warning anywhere, empty cells.
"$bin" run "$good" --quiet --reps 300 --set msc.mean=0.5 --out "$tmp/good.csv" \
    >/dev/null 2>"$tmp/good.err"
! grep -q warning "$tmp/good.err" && [ -z "$(warnings_of "$tmp/good.csv" | tr -d '\n')" ]
check "a clean design: no warning, empty warnings cells" $? "$(cat "$tmp/good.err")"

# samplesize: the answer CSV carries the design's warnings and those at the answer.
"$bin" samplesize "$tmp/off.ini" --quiet --analysis welch --reps 400 --confirm-reps 400 \
    --out "$tmp/ss.csv" --trace "$tmp/ss_trace.csv" >/dev/null 2>"$tmp/ss.err"
check "samplesize with warnings still succeeds" $? "$(cat "$tmp/ss.err")"
head -1 "$tmp/ss.csv" | grep -q ',warnings$' && [ "$(warnings_of "$tmp/ss.csv")" = baseline_off_scale ]
check "answer CSV: warnings column with the design's code" $? "$(cat "$tmp/ss.csv")"
[ "$(grep -c '\[baseline_off_scale\]' "$tmp/ss.err")" -eq 1 ]
check "samplesize prints the design warning once" $? "$(cat "$tmp/ss.err")"

# rho with an empirical baseline whose file is missing: the missing file is the error.
sed 's/normal(400, 20)/empirical(no_such_pilot.csv, score)/' "$tmp/off.ini" >"$tmp/emp.ini"
"$bin" check "$tmp/emp.ini" >/dev/null 2>"$tmp/emp.err"
[ $? -eq 2 ] && grep -q 'cannot open empirical file no_such_pilot.csv' "$tmp/emp.err"
check "missing empirical file with rho: the file is named" $? "$(cat "$tmp/emp.err")"
printf 'score\n40\n60\n' >"$tmp/no_such_pilot.csv"
"$bin" check "$tmp/emp.ini" >/dev/null 2>"$tmp/emp.err"
[ $? -eq 2 ] && grep -q 'an empirical baseline does not state' "$tmp/emp.err"
check "an empirical baseline with rho: why, and what to do" $? "$(cat "$tmp/emp.err")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
