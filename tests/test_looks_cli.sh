#!/usr/bin/env bash
# Interim looks at the command line: each bad [interim] or accrual input gets its
# file:line: [section] key message, exit status 2 and no file; the looks file goes beside
# the results (or to --looks), all-or-nothing with them, byte-identical for 1 and 2 threads;
# check prints rpact's boundaries of getDesignGroupSequential(kMax = 3, alpha = 0.025,
# sided = 1, typeOfDesign = "asOF"): 3.7103, 2.5114, 1.9930.
# Usage: test_looks_cli.sh PATH/TO/mscsim PATH/TO/tests PATH/TO/configs
set -u
bin=$1 tests=$2 configs=$3
bad=$tests/configs/bad
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

run_bad() { # NAME MESSAGE
    local name=$1 msg=$2 out=$tmp/$1
    mkdir -p "$out"
    "$bin" run "$bad/$name.ini" --quiet --out "$out/r.csv" >/dev/null 2>"$tmp/$name.err"
    local status=$? got
    got=$(cat "$tmp/$name.err")
    if [ "$status" -ne 2 ]; then fail "$name: exit $status ($got)"
    elif [[ "$got" != *"$bad/$name.ini:$msg"* ]]; then fail "$name: '$got' lacks '$msg'"
    elif [ -n "$(ls -A "$out")" ]; then fail "$name: left $(ls -A "$out")"
    else ok "$name: $got"; fi
}
run_bad interim_looks_decreasing "10: [interim] looks: information fractions must increase"
run_bad interim_looks_not_one "10: [interim] looks: the last look must be 1"
run_bad interim_looks_too_many "10: [interim] looks: more than 10 values"
run_bad interim_hsd_gamma "11: [interim] efficacy: hsd gamma 12 is outside [-10, 10]"
run_bad interim_cp_range "11: [interim] futility: conditional power threshold 1.5 is outside (0, 1)"
run_bad interim_binding_without_futility "11: [interim] binding: binding = yes needs a futility rule"
run_bad interim_accrual_never "3: [trial] accrual_ramp_months: accrual never reaches n"
run_bad interim_futility_two_sided "9: [interim] futility: futility stopping needs a one-sided test"

cfg=$tmp/obf.ini
cat >"$cfg" <<'INI'
[trial]
n = 120, 240
sides = 1
alpha = 0.025
accrual_per_month = 8
[model]
type = normal
[msc]
mean = 0.4
[analysis]
tests = student, welch
[interim]
looks = 0.333333, 0.666667, 1
efficacy = obrien_fleming
futility = hsd(-2)
[simulation]
reps = 2000
seed = 11
INI
if "$bin" check "$cfg" >"$tmp/check.out" 2>&1 && grep -q "efficacy z 3.7103" "$tmp/check.out" &&
    grep -q "efficacy z 2.5114" "$tmp/check.out" && grep -q "efficacy z 1.9930" "$tmp/check.out"
then ok "check prints rpact's O'Brien-Fleming boundaries"; else fail "check: $(cat "$tmp/check.out")"; fi

mkdir -p "$tmp/a" "$tmp/b"
"$bin" run "$cfg" --quiet --threads 1 --out "$tmp/a/r.csv" >/dev/null 2>&1
"$bin" run "$cfg" --quiet --threads 2 --out "$tmp/b/r.csv" >/dev/null 2>&1
if [ -s "$tmp/a/r_looks.csv" ] && cmp -s "$tmp/a/r_looks.csv" "$tmp/b/r_looks.csv" &&
    cmp -s "$tmp/a/r.csv" "$tmp/b/r.csv"
then ok "looks file beside --out, byte-identical for 1 and 2 threads"
else fail "looks file missing or differs by thread count"; fi
header=$(head -n 1 "$tmp/a/r_looks.csv")
want="scenario,analysis,n_total,n_control,n_msc,reps,look,information_fraction,efficacy_z,\
efficacy_p,futility_z,cumulative_alpha,reject_at_look,futility_at_look,mean_analysed,\
mean_randomized,mean_month,pipeline,sides,model,scale,endpoint,missing"
if [ "$header" = "$want" ]; then ok "looks header"; else fail "looks header: $header"; fi
# 2 n x 2 analyses x 3 looks.
if [ "$(wc -l <"$tmp/a/r_looks.csv")" -eq 13 ]; then ok "one row per n, analysis and look"
else fail "looks rows: $(wc -l <"$tmp/a/r_looks.csv")"; fi
# Per-look rejections add up to the results' power; the looks months increase.
if awk -F, 'FNR == 1 { next } FILENAME ~ /looks/ { s[$2 "," $3] += $13; next }
    { p[$2 "," $3] = $8 } END { for (k in p) if ((s[k] - p[k])^2 > 1e-20) exit 1 }' \
    "$tmp/a/r_looks.csv" "$tmp/a/r.csv"
then ok "reject_at_look sums to power"; else fail "reject_at_look does not sum to power"; fi
mkdir -p "$tmp/c"
"$bin" run "$cfg" --quiet --out "$tmp/c/r.csv" --looks "$tmp/c/custom.csv" >/dev/null 2>&1
if [ -s "$tmp/c/custom.csv" ] && [ ! -e "$tmp/c/r_looks.csv" ]; then ok "--looks FILE"
else fail "--looks: $(ls "$tmp/c")"; fi
mkdir -p "$tmp/d"
"$bin" run "$cfg" --quiet --out "$tmp/d/r.csv" --looks "$tmp/nowhere/l.csv" >/dev/null 2>"$tmp/d.err"
status=$?
if [ "$status" -eq 2 ] && [ -z "$(ls -A "$tmp/d")" ]; then ok "--looks into a missing folder: nothing written"
else fail "--looks missing folder: exit $status, $(ls "$tmp/d")"; fi
mkdir -p "$tmp/e"
"$bin" run "$tests/configs/good/minimal.ini" --quiet --out "$tmp/e/r.csv" --looks "$tmp/e/l.csv" \
    >/dev/null 2>"$tmp/e.err"
status=$?
if [ "$status" -eq 2 ] && grep -q "no \[interim\] looks" "$tmp/e.err" && [ -z "$(ls -A "$tmp/e")" ]
then ok "--looks without [interim]: exit 2"; else fail "--looks without [interim]: $status"; fi
# A fixed design writes no looks file.
"$bin" run "$tests/configs/good/minimal.ini" --quiet --out "$tmp/e/r.csv" >/dev/null 2>&1
if [ ! -e "$tmp/e/r_looks.csv" ]; then ok "no looks file for a fixed design"
else fail "a fixed design wrote a looks file"; fi

# samplesize with [interim]: the search starts from the fixed design's formula answer times
# the design's inflation factor (rpact getDesignCharacteristics of the 3-look one-sided
# O'Brien-Fleming design: 1.012795), in whole blocks of 2, and reports the expected n under
# H1 and H0 (under H0 an OBF design rarely stops early: above H1's, at most n).
ss=$tmp/ss.ini
cat >"$ss" <<'INI'
[trial]
n = 100
sides = 1
alpha = 0.025
[model]
type = normal
[msc]
mean = 0.5
[analysis]
test = student
[interim]
looks = 0.333333, 0.666667, 1
efficacy = obrien_fleming
[simulation]
reps = 1000
seed = 5
INI
sed '/^\[interim\]/,/^efficacy/d' "$ss" >"$tmp/ss_fixed.ini"
col() { # FILE COLUMN: the value in the first data row
    awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } NR == 2 { print $k }' "$1"
}
if "$bin" samplesize "$tmp/ss_fixed.ini" --quiet --out "$tmp/ssf.csv" >/dev/null 2>&1 &&
    "$bin" samplesize "$ss" --quiet --out "$tmp/ssl.csv" >"$tmp/ssl.out" 2>&1; then
    fixed=$(col "$tmp/ssf.csv" analytic_n) looks=$(col "$tmp/ssl.csv" analytic_n)
    start=$(col "$tmp/ssl.csv" start_n) n=$(col "$tmp/ssl.csv" n_total)
    want=$(awk -v f="$fixed" 'BEGIN { x = f * 1.012795 / 2; k = int(x); if (k < x) k++; print 2 * k }')
    if [ "$looks" = "$want" ] && [ "$start" = "$looks" ] && [ "$looks" -gt "$fixed" ]; then
        ok "samplesize starts from the fixed n $fixed times the inflation factor: $looks"
    else fail "samplesize start: fixed $fixed, with looks $looks (want $want), start $start"; fi
    h1=$(col "$tmp/ssl.csv" expected_n_h1) h0=$(col "$tmp/ssl.csv" expected_n_h0)
    if awk -v a="$h1" -v b="$h0" -v n="$n" 'BEGIN { exit !(a > 0 && a < b && b <= n) }' &&
        grep -q "expected n .* under H1 and .* under H0" "$tmp/ssl.out"; then
        ok "samplesize reports expected n $h1 under H1 and $h0 under H0 (n = $n)"
    else fail "samplesize expected n: H1 $h1, H0 $h0, n $n: $(cat "$tmp/ssl.out")"; fi
else fail "samplesize with looks: $(cat "$tmp/ssl.out")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
