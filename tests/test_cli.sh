#!/usr/bin/env bash
# Command-line tests: every bad input gets its message (file:line: [section] key: why),
# exit status 2 and no output file; the CSV is byte-identical for 1, 2 and 3 threads and
# when rerun from the resolved config written beside it.
# Usage: test_cli.sh PATH/TO/mscsim PATH/TO/tests PATH/TO/configs
set -u
bin=$1 tests=$2 configs=$3
bad=$tests/configs/bad
good=$tests/configs/good/minimal.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# expect_error NAME STATUS MESSAGE ARGS...: runs mscsim ARGS --out into an empty folder.
expect_error() {
    local name=$1 want_status=$2 want_msg=$3
    shift 3
    local out=$tmp/$name
    mkdir -p "$out"
    "$@" --quiet --out "$out/result.csv" >"$tmp/$name.stdout" 2>"$tmp/$name.stderr"
    local status=$?
    local msg
    msg=$(cat "$tmp/$name.stderr")
    if [ "$status" -ne "$want_status" ]; then
        fail "$name: exit status $status, want $want_status (stderr: $msg)"
    elif [[ "$msg" != *"$want_msg"* ]]; then
        fail "$name: stderr '$msg' lacks '$want_msg'"
    elif [ -n "$(ls -A "$out")" ]; then
        fail "$name: left files behind: $(ls -A "$out")"
    else
        ok "$name: $msg"
    fi
}

run_bad() { # NAME MESSAGE [extra args]
    local name=$1 msg=$2
    shift 2
    expect_error "$name" 2 "$bad/$name.ini:$msg" "$bin" run "$bad/$name.ini" "$@"
}

run_bad unknown_key "3: [trial] colour: unknown key 'colour' (known in [trial]: name, n,"
run_bad unknown_section "8: [plotting]: unknown section [plotting] (known: trial, outcome, model,"
run_bad malformed_number "3: [trial] alpha: '0.0x5' is not a number"
run_bad allocation_zero "3: [trial] allocation: 0 is out of range [1, 100]"
run_bad dropout_high "6: [control] dropout: 1.5 is out of range [0, 1)"
run_bad sd_negative "6: [msc] sd: -1 is out of range [0, 1e+100]"
run_bad reps_zero "8: [simulation] reps: 0 is out of range [1, 10000000000]"
run_bad n_too_small "2: [trial] n: 1 is out of range [2, 10000000]"
run_bad arm_empty "2: [trial] n: n = 2 leaves an arm empty under allocation 1:5"
run_bad duplicate_key "6: [model] rho: set twice (first on line 5)"
run_bad syntax_error "3: syntax error: expected '[section]' or 'key = value'"
run_bad test_wrong_outcome "6: [analysis] test: analysis 'fisher' does not fit model 'normal'"
run_bad key_wrong_model "6: [control] mean: does not apply to model 'binary' (used by: normal)"
run_bad bad_distribution "6: [baseline] score: unknown distribution 'weibull'"
run_bad unknown_test "6: [analysis] test: unknown analysis 'ancova2' (known: "
# Design priors and decision rules (Bayesian planning).
run_bad prior_list "10: [prior] trial.n: trial.n takes a list, so it cannot take a prior"
run_bad prior_simulation "10: [prior] simulation.reps: [simulation] keys cannot take a prior"
run_bad prior_swept "10: [prior] control.mean: control.mean is also swept in [sweep]"
run_bad prior_out_of_range "10: [prior] control.dropout: normal(0.1, 0.05) reaches -inf, outside the key's range [0, 1) (draws are never truncated or rejected"
run_bad prior_fixed_section "10: [prior] trial.alpha: only [control], [msc] and [model] numbers can take a prior"
run_bad decision_mcid_below "12: [decision] mcid: mcid must be at least threshold"
run_bad decision_probability "11: [decision] probability: 1 is out of range (0, 1)"
run_bad decision_beta_continuous "11: [decision] prior: a beta prior is on each arm's event probability"
run_bad decision_without_posterior "10: [decision] threshold: applies only with rule = posterior"
run_bad bayes_posterior_with_spending "13: [decision] rule: rule = posterior decides the last look, so [interim] efficacy must be none"
run_bad bayes_efficacy_with_cp "12: [interim] futility: with a Bayesian efficacy rule or [decision] rule = posterior, futility is none"
run_bad bayes_probability_range "11: [interim] efficacy: posterior probability threshold 1.5 is outside (0, 1)"
run_bad bayes_binding "13: [interim] binding: a Bayesian futility rule is non-binding"
run_bad bayes_two_sided "10: [interim] efficacy: a Bayesian efficacy rule with the test at the last look needs a one-sided test"
run_bad alpha_one "3: [trial] alpha: 1 is out of range (0, 1)"
# Stroke-recovery models, population and endpoints.
run_bad r_out_of_range "10: [control] r: 1.2 is out of range [0, 1]"
run_bad probs_not_one "6: [control] probs: probabilities sum to 0.9; they must sum to 1"
run_bad msc_probs_and_odds_ratio "8: [msc] odds_ratio: applies only with ordinal without [msc] probs or odds_ratios"
run_bad msc_probs_not_one "8: [msc] probs: probabilities sum to 1.1; they must sum to 1"
run_bad randomisation_factor_not_simulated "3: [trial] randomisation: factor age is not simulated: set a [baseline] age distribution"
run_bad randomisation_bands_gap "3: [trial] randomisation: nihss bands 6-10 and 12-21 leave a gap"
run_bad odds_ratios_length "8: [msc] odds_ratios: needs 6 odds ratios, of mRS <= 0, ..., mRS <= 5 (got 5)"
run_bad utilities_length "8: [outcome] utilities: needs 7 utilities, one per level of scale 'mrs' (0, 1, ..., 6), got 3"
run_bad sliding_gap "16: [analysis] sliding: leaves NIHSS 15 without a threshold: the bands must cover the eligible NIHSS 6-21"
run_bad tau_zero "7: [model] subgroups: subgroup 1 has tau = 0 weeks; tau must be > 0"
run_bad empirical_missing_file "6: [baseline] nihss: cannot open empirical file no_such_pilot.csv"
run_bad empirical_missing_column "6: [baseline] nihss: no column 'severity' in the header row of"
run_bad eligibility_impossible "8: [eligibility] age_min: no patient can meet the eligibility window"
run_bad visits_unsorted "3: [trial] visits: visit days must increase"
run_bad visits_single_visit_model "3: [trial] visits: model 'normal' scores the primary visit only"
run_bad custom_key_without_custom "5: [outcome] max: applies only with scale = custom"
run_bad ratio_ordinal "9: [analysis] endpoint: endpoint ratio needs a baseline score, which model 'ordinal' does not have"
run_bad death_without_scale "6: [control] mortality: a death scored worst needs a bounded [outcome] scale"
# Analyses and missing data.
run_bad mi_ordinal "10: [analysis] missing: locf, bocf and mi need baseline and visit scores, which model 'ordinal' does not have"
run_bad po_continuous "6: [analysis] tests: analysis 'po' does not fit model 'normal' with endpoint change"
run_bad worst_without_scale "7: [analysis] missing: worst needs a bounded [outcome] scale"
run_bad visit_weights_count "11: [dropout] visit_weights: give one weight per visit up to the primary visit (3)"
run_bad mar_binary "6: [dropout] mechanism: mar needs an observed baseline score or earlier visit"
run_bad mmrm_single_visit_model "6: [analysis] test: analysis 'mmrm' needs several visits, which model 'normal' does not score"
run_bad mmrm_one_visit "9: [analysis] tests: analysis 'mmrm' needs at least 2 visits up to the primary one ([trial] visits gives 1)"
run_bad mmrm_with_locf "10: [analysis] missing: analysis 'mmrm' uses every observed visit itself (missing at random): use complete_case"
run_bad mi_method_without_mi "10: [analysis] mi_method: applies only with missing = mi"
run_bad mnar_delta_without_mi "8: [analysis] mnar_delta: applies only with missing = mi"
run_bad unknown_mechanism "6: [dropout] mechanism: unknown value 'informative' (known: mcar, mar, mnar)"
# Sweeps: every grid point is checked before anything runs.
run_bad sweep_unknown_key "8: [sweep] msc.effect_size: 'msc.effect_size' is not a config key"
run_bad sweep_value_out_of_range "9: [sweep] control.dropout: value '1.2': 1.2 is out of range [0, 1)"
run_bad sweep_point_invalid "9: [sweep] analysis.test: grid point 2 (msc.mean = 0.2, analysis.test = fisher):"
expect_error sweep_list_key 2 "--set: [sweep] trial.n: trial.n takes a list, so it cannot be swept" \
    "$bin" run "$good" --set "sweep.trial.n=20, 40"
expect_error responder_no_threshold 2 \
    "responder_no_threshold.ini: [analysis] threshold: a responder endpoint needs [analysis] threshold" \
    "$bin" run "$bad/responder_no_threshold.ini"
expect_error missing_required 2 "missing_required.ini: [analysis] test: required key is missing" \
    "$bin" run "$bad/missing_required.ini"
expect_error missing_file 2 "$tmp/nope.ini: cannot read config: No such file or directory" \
    "$bin" run "$tmp/nope.ini"
mkdir -p "$tmp/adir.ini"
expect_error unreadable_file 2 "$tmp/adir.ini: cannot read config" "$bin" run "$tmp/adir.ini"
expect_error set_out_of_range 2 "--set: [trial] alpha: 2 is out of range (0, 1)" \
    "$bin" run "$good" --set trial.alpha=2
expect_error set_malformed 2 "--set: 'trialalpha' is not section.key=value" \
    "$bin" run "$good" --set trialalpha
expect_error set_unknown_key 2 "--set: [simulation] repz: unknown key 'repz'" \
    "$bin" run "$good" --set simulation.repz=3
expect_error reps_option_zero 2 "--set: [simulation] reps: 0 is out of range" \
    "$bin" run "$good" --reps 0
expect_error unknown_option 2 "unknown option '--frobnicate'" "$bin" run "$good" --frobnicate
# A path that does not fit is an error naming its option (exit 2), not a truncated file name.
long=$tmp/longpath/$(printf 'a%.0s' $(seq 1100)).csv
mkdir -p "$tmp/longpath"
msg=$("$bin" run "$good" --quiet --out "$long" 2>&1 >/dev/null)
status=$?
if [ "$status" -eq 2 ] && [[ "$msg" == *"--out: the path is too long"* ]] && [ -z "$(ls -A "$tmp/longpath")" ]
then ok "long --out path: $msg"; else fail "long --out path: status $status, '$msg', $(ls -A "$tmp/longpath")"; fi
expect_error long_replicates_path 2 "--replicates: the path is too long" \
    "$bin" run "$good" --replicates "$long"
expect_error long_trace_path 2 "--trace: the path is too long" \
    "$bin" samplesize "$good" --trace "$long"
expect_error long_seed 2 "option --seed: the value is too long" \
    "$bin" run "$good" --seed "$(printf '1%.0s' $(seq 100))"
msg=$("$bin" plot "$tmp/no.csv" --out "$long" 2>&1 >/dev/null)
status=$?
if [ "$status" -eq 2 ] && [[ "$msg" == *"--out: the path is too long"* ]] && [ -z "$(ls -A "$tmp/longpath")" ]
then ok "plot: long --out path"; else fail "plot long --out path: status $status, '$msg'"; fi

# An output folder that does not exist: exit 2 naming the option and the folder, before any
# simulation, nothing written.
msg=$("$bin" run "$good" --quiet --out "$tmp/no/such/dir/r.csv" 2>&1 >/dev/null)
status=$?
if [ "$status" -eq 2 ] && [[ "$msg" == *"--out: folder '$tmp/no/such/dir' does not exist"* ]]
then ok "unwritable_output: $msg"; else fail "unwritable_output: status $status, '$msg'"; fi

# Reproducibility: the same design and seed give byte-identical CSV on 1, 2 and 3 threads.
for t in 1 2 3; do
    "$bin" run "$good" --set trial.n=30,41 --set control.dropout=0.2 --threads "$t" \
        --reps 5000 --quiet --out "$tmp/threads$t.csv" >/dev/null 2>&1
done
if cmp -s "$tmp/threads1.csv" "$tmp/threads2.csv" && cmp -s "$tmp/threads1.csv" "$tmp/threads3.csv"
then ok "CSV identical for 1, 2 and 3 threads"
else fail "CSV differs between thread counts"; fi
# The same for the stroke models, whose patients have covariates, visits and deaths.
for preset in lee2022_fma_motor starting2_mrs_shift invest_barthel; do
    for t in 1 2; do
        "$bin" run "$configs/$preset.ini" --threads "$t" --reps 3000 --quiet \
            --out "$tmp/$preset$t.csv" >/dev/null 2>&1
    done
    if cmp -s "$tmp/${preset}1.csv" "$tmp/${preset}2.csv"; then ok "$preset identical on 1 and 2 threads"
    else fail "$preset differs between 1 and 2 threads"; fi
done

# The resolved config written beside the CSV reruns to the same numbers.
"$bin" run "$tmp/threads1.config.ini" --quiet --out "$tmp/rerun.csv" >/dev/null 2>&1
if cmp -s "$tmp/threads1.csv" "$tmp/rerun.csv"; then ok "rerun from resolved config is identical"
else fail "rerun from resolved config differs"; fi

header=$(head -n 1 "$tmp/threads1.csv")
want="scenario,analysis,n_total,n_control,n_msc,reps,rejections,power,power_lo,power_hi,\
true_effect,mean_estimate,bias,empirical_se,mean_se,rmse,coverage,mean_n_analysed,failures,\
true_effect_mcse,mean_deaths,floor_share,ceiling_share,recovery_slope,missing_control,missing_msc,\
mean_imbalance,\
rejection_kind,analytic_power,expected_n,expected_n_analysed,expected_months,stop_efficacy,\
stop_futility,prior_p_benefit,p_success_and_benefit,p_success_given_no_benefit,\
mean_effect_success,model,scale,endpoint,missing,warnings"
if [ "$header" = "$want" ]; then ok "CSV header"; else fail "CSV header: $header"; fi
if [ "$(wc -l <"$tmp/threads1.csv")" -eq 3 ]; then ok "one row per n"
else fail "row count $(wc -l <"$tmp/threads1.csv")"; fi

# Every shipped config checks and runs.
for c in "$configs"/*.ini; do
    if "$bin" check "$c" >"$tmp/check.out" 2>&1 && grep -q "Config is valid" "$tmp/check.out"
    then ok "check $(basename "$c")"; else fail "check $(basename "$c"): $(cat "$tmp/check.out")"; fi
    if "$bin" run "$c" --reps 200 --quiet --out "$tmp/shipped.csv" >/dev/null 2>"$tmp/run.err" &&
        # A shipped sweep adds its swept keys' columns (section.key) to the documented ones.
        [ "$(head -n 1 "$tmp/shipped.csv" | tr ',' '\n' | grep -v '\.' | paste -sd,)" = "$want" ]
    then ok "run $(basename "$c"), documented columns"
    else fail "run $(basename "$c"): $(cat "$tmp/run.err") $(head -n 1 "$tmp/shipped.csv")"; fi
done

# Under a null effect the rejection rate is reported as the type I error.
"$bin" run "$good" --reps 500 --quiet --out "$tmp/null.csv" >/dev/null 2>&1
if [ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "rejection_kind") c = i }
                 NR == 2 { print $c }' "$tmp/null.csv")" = type_i_error ]
then ok "null design reports type_i_error"; else fail "null design: $(tail -n 1 "$tmp/null.csv")"; fi

# A sweep's rows equal separate runs of each grid point: same trials, same numbers.
"$bin" run "$good" --set trial.n=30,50 --set "sweep.msc.mean=0, 0.6" \
    --set "sweep.control.dropout=0, 0.25" --reps 2000 --quiet --out "$tmp/sweep.csv" >/dev/null 2>&1
if [ "$(head -n 1 "$tmp/sweep.csv" | cut -d, -f1-4)" = "scenario,msc.mean,control.dropout,analysis" ] &&
    [ "$(wc -l <"$tmp/sweep.csv")" -eq 9 ]
then ok "sweep: one column per swept key, 4 points x 2 n"; else fail "sweep layout: $(head -n 1 "$tmp/sweep.csv")"; fi
same=1
for mean in 0 0.6; do
    for drop in 0 0.25; do
        "$bin" run "$good" --set trial.n=30,50 --set msc.mean=$mean --set control.dropout=$drop \
            --reps 2000 --quiet --out "$tmp/point.csv" >/dev/null 2>&1
        tail -n +2 "$tmp/point.csv" | cut -d, -f2- >"$tmp/point.rows"
        awk -F, -v m=$mean -v d=$drop '$2 == m && $3 == d' "$tmp/sweep.csv" | cut -d, -f4- >"$tmp/sweep.rows"
        cmp -s "$tmp/point.rows" "$tmp/sweep.rows" || same=0
    done
done
if [ "$same" = 1 ]; then ok "sweep rows equal separate runs of each grid point"
else fail "sweep rows differ from separate runs"; fi

# --replicates: one row per trial and analysis, consistent with the summary rows.
"$bin" run "$good" --set trial.n=30,50 --set "analysis.tests=welch, student" --reps 700 --quiet \
    --out "$tmp/sum.csv" --replicates "$tmp/reps.csv" >/dev/null 2>&1
if [ "$(wc -l <"$tmp/reps.csv")" -eq $((700 * 2 * 2 + 1)) ] &&
    [ "$(head -n 1 "$tmp/reps.csv")" = "scenario,analysis,n_total,n_control,n_msc,replicate,estimate,\
se,p_value,reject,failed,n_analysed_control,n_analysed_msc,true_effect,model,scale,endpoint,missing" ]
then ok "replicates: 700 trials x 2 n x 2 analyses"; else fail "replicates layout: $(head -n 1 "$tmp/reps.csv")"; fi
# Rejections per (analysis, n) add up to the summary's.
awk -F, 'NR > 1 { r[$2 "," $3] += $10 } END { for (k in r) print k "," r[k] }' "$tmp/reps.csv" | sort >"$tmp/rej.a"
awk -F, 'NR > 1 { print $2 "," $3 "," $7 }' "$tmp/sum.csv" | sort >"$tmp/rej.b"
if cmp -s "$tmp/rej.a" "$tmp/rej.b"; then ok "replicates' rejections add up to the summary"
else fail "replicates' rejections differ: $(cat "$tmp/rej.a") vs $(cat "$tmp/rej.b")"; fi
mkdir -p "$tmp/noreps"
msg=$("$bin" run "$good" --quiet --out "$tmp/noreps/r.csv" --replicates "$tmp/no/such/reps.csv" 2>&1 >/dev/null)
if [ $? -eq 2 ] && [[ "$msg" == *"--replicates: folder '$tmp/no/such' does not exist"* ]] &&
    [ -z "$(ls -A "$tmp/noreps")" ]; then ok "unwritable replicates: nothing written ($msg)"
else fail "unwritable replicates: $(ls -A "$tmp/noreps") $msg"; fi

# samplesize: answer and trace files, bad options rejected before anything is written.
"$bin" samplesize "$good" --set msc.mean=0.5 --set analysis.test=student --reps 4000 --quiet \
    --out "$tmp/ss.csv" >"$tmp/ss.stdout" 2>&1
if [ "$(head -n 1 "$tmp/ss.csv" | cut -d, -f1-9)" = "scenario,analysis,n_total,n_control,n_msc,power,power_lo,power_hi,target" ] &&
    [ "$(wc -l <"$tmp/ss.csv")" -eq 2 ] && grep -q '^1,student,confirm,' "$tmp/ss_trace.csv" &&
    grep -q '^1,student,search,' "$tmp/ss_trace.csv" && [ -f "$tmp/ss.config.ini" ]
then ok "samplesize writes the answer, its trace and the resolved config"
else fail "samplesize output: $(cat "$tmp/ss.stdout")"; fi
n=$(awk -F, 'NR == 2 { print $3 }' "$tmp/ss.csv")
if [ "$n" -ge 126 ] && [ "$n" -le 130 ]; then ok "samplesize d = 0.5: n = $n (exact 128)"
else fail "samplesize d = 0.5: n = $n, exact 128"; fi
"$bin" samplesize "$good" --set msc.mean=0.5 --set "sweep.msc.sd=1, 2" --reps 2000 --quiet \
    --out "$tmp/ss2.csv" >/dev/null 2>&1
if [ "$(wc -l <"$tmp/ss2.csv")" -eq 3 ] && [ "$(head -n 1 "$tmp/ss2.csv" | cut -d, -f1-3)" = "scenario,msc.sd,analysis" ]
then ok "samplesize with a sweep: one answer per grid point"; else fail "samplesize sweep: $(cat "$tmp/ss2.csv")"; fi
expect_error samplesize_target 2 "--target must be a power in (0, 1), not '1.5'" \
    "$bin" samplesize "$good" --target 1.5
expect_error samplesize_analysis 2 "--analysis 'fisher' is not one of the config's analyses" \
    "$bin" samplesize "$good" --analysis fisher
expect_error samplesize_confirm_reps 2 "--confirm-reps must be a whole number >= 1, not '0'" \
    "$bin" samplesize "$good" --confirm-reps 0
expect_error samplesize_missing_config 2 "$tmp/nope.ini: cannot read config: No such file or directory" \
    "$bin" samplesize "$tmp/nope.ini"
expect_error samplesize_unwritable_trace 2 "--trace: folder '$tmp/no/such' does not exist" \
    "$bin" samplesize "$good" --set msc.mean=0.5 --reps 500 --trace "$tmp/no/such/t.csv"
expect_error sweep_empty_value 2 "--set: [sweep] msc.mean: empty value in the sweep list" \
    "$bin" run "$good" --set "sweep.msc.mean=0, , 1"
expect_error samplesize_null_design 2 "is exactly 0 (a null design): its power stays at the type I error rate" \
    "$bin" samplesize "$good" --reps 200
expect_error samplesize_unreachable 2 "the target power 0.8 is not reached by n = 200000" \
    "$bin" samplesize "$good" --set msc.mean=0.001 --reps 20

# plot: the figure of a results CSV; a bad extension or CSV writes nothing.
if "$bin" plot "$tmp/sweep.csv" --out "$tmp/sweep.svg" >/dev/null 2>&1 && grep -q "<svg" "$tmp/sweep.svg" &&
    "$bin" plot "$tmp/reps.csv" >/dev/null 2>&1 && [ -s "$tmp/reps.png" ]
then ok "plot draws a sweep (SVG) and replicates (PNG, default name)"; else fail "plot"; fi
mkdir -p "$tmp/noplot"
msg=$("$bin" plot "$tmp/sweep.csv" --out "$tmp/noplot/x.pdf" 2>&1)
if [ $? -eq 2 ] && [[ "$msg" == *"x.pdf: unknown image format"* ]] && [ -z "$(ls -A "$tmp/noplot")" ]
then ok "plot: unknown format ($msg)"; else fail "plot unknown format: $msg"; fi
msg=$("$bin" plot "$tmp/nope.csv" --out "$tmp/noplot/nope.png" 2>&1)
if [ $? -eq 2 ] && [[ "$msg" == *"$tmp/nope.csv: cannot open: No such file or directory"* ]] &&
    [ -z "$(ls -A "$tmp/noplot")" ]
then ok "plot: missing CSV ($msg)"; else fail "plot missing CSV: $msg"; fi
msg=$("$bin" plot "$tmp/sweep.csv" --analysis fisher --out "$tmp/noplot/f.png" 2>&1)
if [ $? -eq 2 ] && [[ "$msg" == *"no rows of analysis 'fisher'"* ]] && [ -z "$(ls -A "$tmp/noplot")" ]
then ok "plot: unknown analysis ($msg)"; else fail "plot unknown analysis: $msg"; fi
printf 'scenario,analysis,n_total,power,power_lo,power_hi\n1,welch,40,abc,0.1,0.2\n' >"$tmp/bad.csv"
msg=$("$bin" plot "$tmp/bad.csv" --out "$tmp/noplot/bad.png" 2>&1)
if [ $? -eq 2 ] && [[ "$msg" == *"bad.csv:2: column power: 'abc' is not a number"* ]] && [ -z "$(ls -A "$tmp/noplot")" ]
then ok "plot: malformed CSV ($msg)"; else fail "plot malformed CSV: $msg"; fi

# simulate: one trial, patient by patient, one row per patient and visit.
"$bin" simulate "$configs/lee2022_fma_motor.ini" --n 30 --out "$tmp/patients.csv" >/dev/null 2>&1
if [ "$(head -n 1 "$tmp/patients.csv")" = \
    "patient,arm,nihss,age,onset_days,baseline,visit_day,true_score,observed_score,observed,died,death_day" ] &&
    [ "$(wc -l <"$tmp/patients.csv")" -eq $((30 * 3 + 1)) ]
then ok "simulate writes 30 patients x 3 visits"; else fail "simulate output"; fi
# Every observed FMA motor score is a whole number in 0..100.
if awk -F, 'NR > 1 && $10 == 1 && ($9 < 0 || $9 > 100 || $9 != int($9)) { bad = 1 } END { exit bad }' \
    "$tmp/patients.csv"; then ok "simulated scores on the scale"; else fail "score off the scale"; fi
expect_error simulate_without_n 2 "simulate needs --n N and --out FILE" \
    "$bin" simulate "$configs/lee2022_fma_motor.ini"

if "$bin" --help | grep -q "mscsim run CONFIG"; then ok "--help"; else fail "--help"; fi
if "$bin" --version | grep -Eq '^mscsim [0-9]+\.[0-9]+\.[0-9]+$'; then ok "--version"
else fail "--version"; fi
if "$bin" keys | grep -q '| trial | n | required |'; then ok "keys"; else fail "keys"; fi

# The README's key reference is the key table's own output, so it cannot drift.
readme=$(dirname "$tests")/README.md
"$bin" keys >"$tmp/keys.md"
# The table lines of the README's "Key reference" section, exactly.
sed -n '/^### Key reference/,/^## /p' "$readme" | grep '^|' >"$tmp/readme_keys.md"
if cmp -s "$tmp/keys.md" "$tmp/readme_keys.md"; then ok "README key reference is current"
else fail "README key reference differs from 'mscsim keys'"; fi

# The README's column reference is the schema's own output, like the key reference.
"$bin" columns | grep -E '^(### |\|)' >"$tmp/columns.md"
sed -n '/^## Output columns/,/^## /p' "$readme" | grep -E '^(### |\|)' >"$tmp/readme_columns.md"
if [ -s "$tmp/columns.md" ] && cmp -s "$tmp/columns.md" "$tmp/readme_columns.md"
then ok "README output columns are current"
else fail "README output columns differ from 'mscsim columns'"; fi
# Every row of every kind of file has as many cells as its header (no cell holds a comma).
for f in threads1.csv sweep.csv reps.csv ss.csv ss_trace.csv ss2.csv ss2_trace.csv patients.csv; do
    if awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$tmp/$f"
    then ok "$f: every row has the header's columns"; else fail "$f: a row and its header differ"; fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
