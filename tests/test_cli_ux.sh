#!/usr/bin/env bash
# Command-line behaviour a user relies on: signals stop a run cleanly (exit 130/143, no
# temporary left, the previous result intact), temporaries are private to each run and
# never follow a planted name, targets that are not regular files are refused, the default
# results/ folder is created, every command has its --help and refuses options it does not
# take, simulate reports its analyses (and can write to stdout), and summaries name the
# swept values and never round a power below the target up to it; the searches' resolved
# configs rerun to their answers, mde answers, and the audit's failures (overflowing
# numbers, undrawn empirical files, thread counts, allocation failures) are handled.
# Usage: test_cli_ux.sh PATH/TO/mscsim PATH/TO/tests PATH/TO/configs
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") tests=$(cd "$2" && pwd) configs=$(cd "$3" && pwd)
good=$tests/configs/good/minimal.ini
lee=$configs/lee2022_fma_motor.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # NAME CONDITION-STATUS DETAIL
    if [ "$2" -eq 0 ]; then ok "$1"; else fail "$1: $3"; fi
}

# ---- signals ------------------------------------------------------------------------------

# interrupt NAME SIGNAL WANT_STATUS DIR ARGS...: starts mscsim ARGS in the background, waits
# for its first temporary in DIR, sends SIGNAL; checks the status and that none is left.
interrupt() {
    local name=$1 sig=$2 want=$3 dir=$4
    shift 4
    "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    local pid=$! i
    for i in $(seq 200); do
        compgen -G "$dir/*.tmp" >/dev/null && break
        sleep 0.05
    done
    sleep 0.3 # Into the simulation.
    kill -"$sig" "$pid"
    for i in $(seq 400); do # A process that ignores the signal fails, it is not waited for.
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid"
    local status=$?
    local left
    left=$(cd "$dir" && ls -A | grep -E '\.tmp$|\.[0-9]+-[0-9]+$')
    if [ "$status" -eq "$want" ] && [ -z "$left" ] && grep -qx "mscsim: interrupted" "$tmp/$name.err"
    then ok "$name: exit $status, no temporary left"
    else fail "$name: exit $status (want $want), left '$left', stderr $(cat "$tmp/$name.err")"; fi
}

mkdir -p "$tmp/sig"
"$bin" run "$good" --reps 100 --quiet --out "$tmp/sig/out.csv" --replicates "$tmp/sig/reps.csv" >/dev/null
cp "$tmp/sig/out.csv" "$tmp/good.csv"
cp "$tmp/sig/out.config.ini" "$tmp/good.config.ini"
cp "$tmp/sig/reps.csv" "$tmp/good_reps.csv"
interrupt sigint_run INT 130 "$tmp/sig" run "$lee" --reps 5000000 --threads 1 --quiet \
    --out "$tmp/sig/out.csv" --replicates "$tmp/sig/reps.csv"
interrupt sigterm_run TERM 143 "$tmp/sig" run "$lee" --reps 5000000 --threads 1 --quiet \
    --out "$tmp/sig/out.csv" --replicates "$tmp/sig/reps.csv"
cmp -s "$tmp/sig/out.csv" "$tmp/good.csv" && cmp -s "$tmp/sig/out.config.ini" "$tmp/good.config.ini" &&
    cmp -s "$tmp/sig/reps.csv" "$tmp/good_reps.csv"
check "interrupted runs leave the previous result intact" $? "$(ls "$tmp/sig")"
# samplesize: stopped inside the library's search (between its engine steps).
"$bin" samplesize "$good" --set msc.mean=0.5 --reps 300 --quiet --out "$tmp/sig/ss.csv" >/dev/null
cp "$tmp/sig/ss.csv" "$tmp/good_ss.csv"
interrupt sigterm_samplesize TERM 143 "$tmp/sig" samplesize "$lee" --reps 3000000 --threads 1 \
    --quiet --out "$tmp/sig/ss.csv"
interrupt sigint_samplesize INT 130 "$tmp/sig" samplesize "$lee" --reps 3000000 --threads 1 \
    --quiet --out "$tmp/sig/ss.csv"
cmp -s "$tmp/sig/ss.csv" "$tmp/good_ss.csv"
check "interrupted samplesize leaves the previous answer intact" $? "$(ls "$tmp/sig")"

# ---- temporaries and targets --------------------------------------------------------------

# Two runs to one --out at once: both succeed and the file is one whole run's output.
mkdir -p "$tmp/both"
"$bin" run "$good" --reps 40000 --seed 1 --quiet --out "$tmp/seed1.csv" >/dev/null
"$bin" run "$good" --reps 40000 --seed 2 --quiet --out "$tmp/seed2.csv" >/dev/null
"$bin" run "$good" --reps 40000 --seed 1 --quiet --out "$tmp/both/r.csv" >/dev/null 2>&1 &
a=$!
"$bin" run "$good" --reps 40000 --seed 2 --quiet --out "$tmp/both/r.csv" >/dev/null 2>&1 &
b=$!
wait "$a"; sa=$?
wait "$b"; sb=$?
{ [ "$sa" -eq 0 ] && [ "$sb" -eq 0 ] &&
    { cmp -s "$tmp/both/r.csv" "$tmp/seed1.csv" || cmp -s "$tmp/both/r.csv" "$tmp/seed2.csv"; } &&
    [ "$(ls -A "$tmp/both" | wc -l)" -eq 2 ]; }
check "two runs to one --out both succeed, one whole result" $? "status $sa $sb, $(ls -A "$tmp/both")"

# A planted FILE.tmp symlink is never followed nor removed.
mkdir -p "$tmp/plant"
ln -s "$tmp/victim" "$tmp/plant/r.csv.tmp"
"$bin" run "$good" --reps 50 --quiet --out "$tmp/plant/r.csv" >/dev/null 2>&1
{ [ $? -eq 0 ] && [ ! -e "$tmp/victim" ] && [ -L "$tmp/plant/r.csv.tmp" ] && [ -s "$tmp/plant/r.csv" ]; }
check "a planted r.csv.tmp symlink is not followed" $? "$(ls -la "$tmp/plant")"

# refuse NAME OPTION-MESSAGE ARGS...: exit 2 with the message, the previous result intact.
refuse() {
    local name=$1 want=$2
    shift 2
    local msg
    msg=$("$bin" "$@" --quiet 2>&1 >/dev/null)
    local status=$?
    if [ "$status" -eq 2 ] && [[ "$msg" == *"$want"* ]] && cmp -s "$tmp/keep/out.csv" "$tmp/good.csv" &&
        cmp -s "$tmp/keep/out.config.ini" "$tmp/good.config.ini" &&
        [ -z "$(cd "$tmp/keep" && ls -A | grep -E '\.tmp$|\.[0-9]+-[0-9]+$')" ]
    then ok "$name: $msg"; else fail "$name: exit $status, '$msg', $(ls -A "$tmp/keep")"; fi
}
mkdir -p "$tmp/keep/repdir" "$tmp/keep/outdir"
cp "$tmp/good.csv" "$tmp/keep/out.csv"
cp "$tmp/good.config.ini" "$tmp/keep/out.config.ini"
mkfifo "$tmp/keep/fifo.csv"
refuse replicates_folder "--replicates: '$tmp/keep/repdir' is not a regular file" \
    run "$good" --reps 50 --out "$tmp/keep/out.csv" --replicates "$tmp/keep/repdir"
refuse trace_folder "--trace: '$tmp/keep/repdir' is not a regular file" \
    samplesize "$good" --set msc.mean=0.5 --reps 50 --out "$tmp/keep/out.csv" --trace "$tmp/keep/repdir"
refuse out_fifo "--out: '$tmp/keep/fifo.csv' is not a regular file" \
    run "$good" --reps 50 --out "$tmp/keep/fifo.csv"
refuse out_folder "--out: '$tmp/keep/outdir' is not a regular file" \
    run "$good" --reps 50 --out "$tmp/keep/outdir"
refuse simulate_out_fifo "--out: '$tmp/keep/fifo.csv' is not a regular file" \
    simulate "$good" --n 10 --out "$tmp/keep/fifo.csv"
refuse out_missing_folder "--out: folder '$tmp/keep/x/y' does not exist" \
    run "$good" --reps 50 --out "$tmp/keep/x/y/out.csv"
{ [ -p "$tmp/keep/fifo.csv" ] && [ -d "$tmp/keep/outdir" ] && [ ! -e "$tmp/keep/x" ]; }
check "refused targets are left as they were" $? "$(ls -la "$tmp/keep")"

# The default results/ folder is created when missing, from any working folder.
mkdir -p "$tmp/elsewhere"
(cd "$tmp/elsewhere" && "$bin" run "$good" --reps 50 --quiet >/dev/null 2>"$tmp/default.err")
{ [ $? -eq 0 ] && [ -s "$tmp/elsewhere/results/minimal.csv" ] &&
    [ -s "$tmp/elsewhere/results/minimal.config.ini" ]; }
check "run creates the default results/ folder" $? "$(cat "$tmp/default.err")"

# ---- arguments ----------------------------------------------------------------------------

# usage NAME STATUS STDOUT-OR-STDERR-TEXT ARGS...
usage() {
    local name=$1 want=$2 text=$3
    shift 3
    local all
    all=$("$bin" "$@" 2>&1)
    local status=$?
    if [ "$status" -eq "$want" ] && [[ "$all" == *"$text"* ]]; then ok "$name"
    else fail "$name: exit $status (want $want): $all"; fi
}
usage run_help 0 "--replicates FILE" run --help
usage run_config_help 0 "usage: mscsim run CONFIG" run "$good" --reps 5 --help
usage samplesize_help 0 "--confirm-reps N" samplesize --help
usage plot_help 0 "usage: mscsim plot CSV" plot -h
usage simulate_help 0 "--out FILE|-" simulate --help
usage keys_help 0 "usage: mscsim keys" keys --help
usage help 0 "Commands:" help
usage help_command 0 "--trace FILE" help samplesize
usage help_unknown 2 "mscsim help: unknown command 'frob'" help frob
usage unknown_last 2 "mscsim run: unknown option '--bogus'" run "$good" --bogus
usage needs_value 2 "mscsim run: option --out needs a value" run "$good" --out
usage value_is_option 2 "mscsim run: option --out needs a value" run "$good" --out --quiet
usage missing_config 2 "mscsim check: missing CONFIG" check
for opt in --set --reps --seed --threads; do # (plot --n chooses the n drawn)
    usage "plot_$opt" 2 "mscsim plot: option $opt does not apply to plot" plot "$tmp/seed1.csv" "$opt" 3
done
usage simulate_reps 2 "mscsim simulate: option --reps does not apply to simulate" \
    simulate "$good" --n 10 --out "$tmp/p.csv" --reps 5
usage simulate_replicates 2 "mscsim simulate: option --replicates does not apply to simulate" \
    simulate "$good" --n 10 --out "$tmp/p.csv" --replicates "$tmp/r.csv"
usage check_out 2 "mscsim check: option --out does not apply to check" check "$good" --out x.csv
usage reps_exponent 2 "--reps must be a whole decimal number, not '1e6'" run "$good" --reps 1e6
usage n_fraction 2 "--n must be a whole decimal number, not '1.5'" simulate "$good" --n 1.5 --out "$tmp/p.csv"
usage seed_hex 2 "--seed must be a whole decimal number, not '0x10'" run "$good" --seed 0x10
usage threads_sign 2 "--threads must be a whole decimal number, not '+2'" run "$good" --threads +2
usage confirm_reps_fraction 2 "--confirm-reps must be a whole number >= 1, not '2.5'" \
    samplesize "$good" --confirm-reps 2.5
# The README's option table says which commands take each option, as `mscsim help` does.
readme=$(dirname "$tests")/README.md
for c in run samplesize plot check simulate; do "$bin" help "$c" >"$tmp/help_$c.txt"; done
sed -n '/^| option | commands | meaning |/,/^$/p' "$readme" | grep '^| `--' |
    awk -F'|' '{ split($2, o, "`"); split(o[2], w, " "); print w[1], $3 }' >"$tmp/readme_options"
same=1
while read -r opt cmds; do
    for c in run samplesize plot check simulate; do
        listed=0 shown=0
        [[ ", ${cmds//  / }," == *" $c,"* ]] && listed=1
        grep -q -- "^  $opt\b" "$tmp/help_$c.txt" && shown=1
        [ "$listed" = "$shown" ] || { same=0; echo "  $opt: README $listed, help $c $shown"; }
    done
done <"$tmp/readme_options"
[ -s "$tmp/readme_options" ] && [ "$same" = 1 ]
check "README option table matches each command's --help" $? "$(cat "$tmp/readme_options")"
[ ! -e "$tmp/p.csv" ]
check "refused options write nothing" $? "$tmp/p.csv exists"

# ---- simulate -----------------------------------------------------------------------------

"$bin" simulate "$lee" --n 60 --seed 11 --out "$tmp/patients.csv" >"$tmp/sim.out" 2>&1
"$bin" run "$lee" --set trial.n=60 --seed 11 --reps 1 --quiet --out "$tmp/one.csv" \
    --replicates "$tmp/one_reps.csv" >/dev/null
# The summary line is the replicate `run` analyses first, to the digits printed.
want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i }
    NR > 1 { printf "%s: estimate %.4g (SE %.4g), p = %.2g, %s at alpha 0.05\n", $h["analysis"],
             $h["estimate"], $h["se"], $h["p_value"], $h["reject"] ? "rejects" : "does not reject" }' \
    "$tmp/one_reps.csv")
[ -n "$want" ] && grep -qxF "$want" "$tmp/sim.out"
check "simulate prints the trial's analysis: $want" $? "$(cat "$tmp/sim.out")"
"$bin" simulate "$lee" --n 60 --seed 11 --out - >"$tmp/stdout.csv" 2>"$tmp/stdout.err"
{ [ $? -eq 0 ] && cmp -s "$tmp/stdout.csv" "$tmp/patients.csv" && grep -qxF "$want" "$tmp/stdout.err" &&
    [ -z "$(ls -A "${TMPDIR:-/tmp}" 2>/dev/null | grep '^mscsim-stdout\.')" ]; }
check "simulate --out - writes the CSV alone on stdout, the summary on stderr" $? "$(cat "$tmp/stdout.err")"
usage run_out_stdout 2 "--out: this command cannot write to stdout" run "$good" --out -

# ---- summaries ----------------------------------------------------------------------------

"$bin" run "$good" --set "sweep.msc.mean=0, 0.6" --set "sweep.control.dropout=0, 0.25" --reps 100 \
    --quiet --out "$tmp/sweep.csv" >"$tmp/sweep.out"
grep -qx "scenario 3: msc.mean = 0.6, control.dropout = 0" "$tmp/sweep.out"
check "run's table names each grid point's swept values" $? "$(cat "$tmp/sweep.out")"
"$bin" samplesize "$good" --set msc.mean=0.5 --set "sweep.msc.sd=1, 2" --reps 300 --quiet \
    --out "$tmp/ss2.csv" >"$tmp/ss2.out"
grep -q "^scenario 2 (msc.sd = 2): n = " "$tmp/ss2.out"
check "samplesize names each grid point's swept values" $? "$(cat "$tmp/ss2.out")"
# With 3 trials per confirmation the size below reaches 2/3 = 0.66666... (seed 1), below the target
# 0.66667: four decimals would print it as 0.6667, above the target.
"$bin" samplesize "$good" --set msc.mean=0.5 --reps 500 --confirm-reps 3 --seed 1 --target 0.66667 \
    --quiet --out "$tmp/ss3.csv" >"$tmp/ss3.out"
grep -q "^  n = [0-9]*: power 0.666667 " "$tmp/ss3.out" && ! grep -q "power 0.6667 " "$tmp/ss3.out"
check "a power below the target prints below it" $? "$(cat "$tmp/ss3.out")"

# A null design answers at once instead of searching (22 s before), and a target too close
# to 1 for any feasible confirmation is refused rather than "reached" by a power of 1.
msg=$("$bin" samplesize "$configs/example.ini" --set msc.mean=10 --quiet --out "$tmp/null.csv" 2>&1)
rc=$?
[ $rc -eq 2 ] && [[ "$msg" == *"exactly 0 (a null design)"* ]] && [ ! -e "$tmp/null.csv" ]
check "samplesize of a null design: exit 2 at once, nothing written" $? "$rc $msg"
msg=$("$bin" samplesize "$good" --target 0.999999 --quiet --out "$tmp/near1.csv" 2>&1)
rc=$?
[ $rc -eq 2 ] && [[ "$msg" == *"too close to 1"* ]] && [ ! -e "$tmp/near1.csv" ]
check "samplesize --target 0.999999 is refused" $? "$rc $msg"

# An exact formula beyond its cost bound falls back to its approximation, and check says so
# (fisher at n = 60000 took 24 s before the first trial).
printf '[trial]\nn = 60000\n[model]\ntype = binary\n[control]\np = 0.258\n[msc]\np = 0.28\n[analysis]\ntest = fisher\n' \
    > "$tmp/fisher.ini"
out=$("$bin" check "$tmp/fisher.ini" 2>&1)
[[ "$out" == *"n = 60000: 1.0000 (normal approximation: the exact enumeration would take at least"* ]]
check "check names the approximation a costly exact formula falls back to" $? "$out"

# ---- searches reproduce, the detectable effect, audit items ---------------------------------

# The resolved config of samplesize records the target and the analysis: rerun, it gives
# the same answer (a non-default target and the second analysis, so defaults cannot pass).
"$bin" samplesize "$configs/example.ini" --set "analysis.tests=student, welch" --target 0.85 \
    --analysis welch --reps 2000 --confirm-reps 2000 --quiet --out "$tmp/ss1.csv" >/dev/null 2>&1
"$bin" samplesize "$tmp/ss1.config.ini" --quiet --out "$tmp/ss2.csv" >/dev/null 2>&1
grep -q '^target = 0.85$' "$tmp/ss1.config.ini" && grep -q '^analysis = welch$' "$tmp/ss1.config.ini" &&
    cmp -s "$tmp/ss1.csv" "$tmp/ss2.csv"
check "samplesize's resolved config reruns to the same answer (target, analysis recorded)" $? \
    "$(cat "$tmp/ss1.csv" "$tmp/ss2.csv" 2>&1)"

# mde: the answer, its trace and a resolved config with the key at the answer, whose run
# reproduces the confirmation trial for trial.
out=$("$bin" mde "$good" --key msc.mean --set msc.mean=0.5 --set trial.n=100 --quiet \
    --out "$tmp/mde.csv" 2>&1)
rc=$?
value=$(awk -F, 'NR == 2 { print $4 }' "$tmp/mde.csv" 2>/dev/null)
reps=$(awk -F, 'NR == 2 { print $13 }' "$tmp/mde.csv" 2>/dev/null)
rej=$(awk -F, '$4 == "confirm" && $5 == v { r = $10 } END { print r }' v="$value" "$tmp/mde_trace.csv" 2>/dev/null)
"$bin" run "$tmp/mde.config.ini" --reps "${reps:-1}" --quiet --out "$tmp/mde_run.csv" >/dev/null 2>&1
run_rej=$(awk -F, 'NR == 2 { print $7 }' "$tmp/mde_run.csv" 2>/dev/null)
[ $rc -eq 0 ] && [[ "$out" == "msc.mean = $value (null 0): power "* ]] && [ -n "$rej" ] &&
    [ "$rej" = "$run_rej" ] && grep -q '^key = msc.mean$' "$tmp/mde.config.ini"
check "mde answers, and run on its resolved config reproduces the confirmation" $? \
    "$rc $out value=$value reps=$reps rej=$rej run=$run_rej"
msg=$("$bin" mde "$good" --set msc.mean=0.5 --quiet --out "$tmp/nokey.csv" 2>&1)
[ $? -eq 2 ] && [[ "$msg" == *"--key section.key is required"* ]] && [ ! -e "$tmp/nokey.csv" ]
check "mde without --key is a usage error" $? "$msg"
msg=$("$bin" mde "$good" --key msc.mean --set msc.mean=0.5 --set "trial.n=40, 60" --quiet \
    --out "$tmp/twon.csv" 2>&1)
[ $? -eq 2 ] && [[ "$msg" == *"one n"* ]] && ! compgen -G "$tmp/twon*" >/dev/null
check "mde with an n list: exit 2, nothing written" $? "$msg"
"$bin" mde --help | grep -q -- '--key section.key'
check "mde --help lists --key" $? "$("$bin" mde --help 2>&1)"

# outcome_sd and sd are two forms of one parameter: both is an error at file:line:key.
printf '[trial]\nn = 40\n[model]\ntype = normal\n[control]\nsd = 2\noutcome_sd = 3\n[analysis]\ntest = welch\n' \
    > "$tmp/both.ini"
msg=$("$bin" check "$tmp/both.ini" 2>&1)
[ $? -eq 2 ] && [[ "$msg" == *"both.ini:6: [control] sd: applies only with normal, without outcome_sd"* ]]
check "sd and outcome_sd together: an error naming the line" $? "$msg"

# Numbers that overflow sums of squares are refused at validation (sd = 1e308 made every
# trial fail while the analytic power said 0.94).
msg=$("$bin" check "$good" --set control.sd=1e308 2>&1)
[ $? -eq 2 ] && [[ "$msg" == *"[control] sd: 1e308 is out of range [0, 1e+100]"* ]]
check "an sd of 1e308 is refused" $? "$msg"
msg=$("$bin" check "$good" --set "baseline.score=normal(0, 1e200)" 2>&1)
[ $? -eq 2 ] && [[ "$msg" == *"beyond +-1e100"* ]]
check "a distribution parameter of 1e200 is refused" $? "$msg"

# A missing empirical file fails check and run even for a variable never drawn.
for cmd in check run; do
    extra=()
    [ $cmd = run ] && extra=(--quiet --out "$tmp/emp_run.csv")
    msg=$("$bin" $cmd "$good" --set "baseline.age=empirical(no_such_pilot.csv, age)" \
        "${extra[@]}" 2>&1)
    [ $? -eq 2 ] && [[ "$msg" == *"[baseline] age: cannot open empirical file no_such_pilot.csv"* ]]
    check "$cmd: a missing empirical file of an undrawn variable is an error" $? "$msg"
done

# A sweep too large through --set names --set, not the config file.
msg=$("$bin" check "$good" --set "sweep.msc.mean=$(seq -s, 1 33)" 2>&1)
[ $? -eq 2 ] && [[ "$msg" == "mscsim: --set: [sweep] msc.mean: at most 32 values"* ]]
check "a too-large --set sweep names --set" $? "$msg"

# The default thread count is capped at the cores, whatever OMP_NUM_THREADS asks; an
# explicit count is honoured.
cores=$(nproc)
msg=$(OMP_NUM_THREADS=$((cores * 8)) "$bin" run "$good" --reps 200 --out "$tmp/thr.csv" 2>&1 >/dev/null)
[[ "$msg" == *"on $cores threads)"* ]]
check "the default threads are capped at the $cores cores" $? "$msg"
msg=$("$bin" run "$good" --reps 200 --threads 3 --out "$tmp/thr3.csv" 2>&1 >/dev/null)
[[ "$msg" == *"on 3 threads)"* ]]
check "an explicit thread count is honoured" $? "$msg"

# A workspace that cannot be allocated (64 explicit threads of 5 million patients per arm
# under a 3 GB address-space limit) fails cleanly: a message, exit 1, no file left. Not
# under AddressSanitizer, whose shadow memory alone exceeds such a limit.
if ! nm "$bin" 2>/dev/null | grep -q __asan_init; then
    mkdir "$tmp/oom"
    msg=$( (ulimit -v 3000000; "$bin" run "$good" --set trial.n=10000000 --threads 64 --reps 1 \
        --quiet --out "$tmp/oom/x.csv") 2>&1 >/dev/null)
    rc=$?
    [ $rc -eq 1 ] && [[ "$msg" == *"out of memory"* ]] && [ -z "$(ls -A "$tmp/oom")" ]
    check "a workspace allocation failure: exit 1, no temporary left" $? "$rc $msg $(ls -A "$tmp/oom")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
