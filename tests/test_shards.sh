#!/usr/bin/env bash
# Shards and merge: 4 shards of a swept stroke-model run merged equal the single run byte
# for byte (CSV and resolved config); merging 3 of 4, a shard twice, shards of another
# config, of another version, a truncated file: a message, exit 2, nothing written;
# --shard slurm from the job array's variables; the README's sbatch script and merge step
# run as written (with the array variables set, on a smaller run).
# Usage: test_shards.sh PATH/TO/mscsim SOURCE_DIR
set -u
bin=$(realpath "$1") src=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { if [ "$2" -eq 0 ]; then ok "$1"; else fail "$1: $3"; fi; }

cfg=$src/configs/lee2022_fma_motor.ini
# 9000 reps: two units per cell, the second short; 2 x 2 grid points x 2 n = 16 units.
opts=(--quiet --reps 9000 --set "trial.n=20, 40" --set "sweep.msc.r_gain=0.05, 0.1"
      --set "sweep.control.dropout=0.1, 0.3")
"$bin" run "$cfg" "${opts[@]}" --out "$tmp/single.csv" >/dev/null
for k in 1 2 3 4; do
    "$bin" run "$cfg" "${opts[@]}" --shard "$k/4" --out "$tmp/p$k.part" >/dev/null
done
"$bin" merge --quiet --out "$tmp/merged.csv" "$tmp/p3.part" "$tmp/p1.part" "$tmp/p4.part" \
    "$tmp/p2.part" >/dev/null
cmp -s "$tmp/single.csv" "$tmp/merged.csv" && cmp -s "$tmp/single.config.ini" "$tmp/merged.config.ini"
check "4 shards merged (in any order) = the single run, CSV and resolved config" $? \
    "$(diff "$tmp/single.csv" "$tmp/merged.csv" | head -5)"
grep -q '^truth 0 ' "$tmp/p1.part" && grep -q '^end$' "$tmp/p4.part" &&
    [ "$(grep -c '^unit ' "$tmp/p1.part")" = 4 ]
check "a partial file holds its units, the truths and an end" $? "$(head -12 "$tmp/p1.part")"
# More shards than units: empty shards merge too.
for k in $(seq 1 18); do
    "$bin" run "$cfg" "${opts[@]}" --shard "$k/18" --out "$tmp/q$k.part" >/dev/null
done
"$bin" merge --quiet --out "$tmp/merged18.csv" "$tmp"/q*.part >/dev/null &&
    cmp -s "$tmp/single.csv" "$tmp/merged18.csv"
check "18 shards of 16 units (2 empty) merged = the single run" $? "differs"

# A design with interim looks: its looks file merges too.
lopts=(--quiet --reps 9000 --set "interim.looks=0.5, 1")
"$bin" run "$src/configs/example.ini" "${lopts[@]}" --out "$tmp/l.csv" >/dev/null
for k in 1 2 3; do
    "$bin" run "$src/configs/example.ini" "${lopts[@]}" --shard "$k/3" --out "$tmp/l$k.part" >/dev/null
done
"$bin" merge --quiet --out "$tmp/lm.csv" "$tmp"/l?.part >/dev/null && cmp -s "$tmp/l.csv" "$tmp/lm.csv" &&
    cmp -s "$tmp/l_looks.csv" "$tmp/lm_looks.csv"
check "3 shards of a design with interim looks merged = the single run, looks file too" $? "differs"

# refused NAME MESSAGE PART...: exit 2, the message, no output file.
refused() {
    local name=$1 want=$2
    shift 2
    local out=$tmp/refused_$name
    mkdir -p "$out"
    "$bin" merge --quiet --out "$out/r.csv" "$@" >/dev/null 2>"$tmp/err"
    local status=$?
    if [ "$status" -ne 2 ]; then fail "merge $name: exit $status, want 2 ($(cat "$tmp/err"))"
    elif ! grep -qF -- "$want" "$tmp/err"; then fail "merge $name: '$(cat "$tmp/err")' lacks '$want'"
    elif [ -n "$(ls -A "$out")" ]; then fail "merge $name wrote $(ls "$out")"
    else ok "merge $name: exit 2, '$want', nothing written"; fi
}
refused missing "3 of 4 shards given: shard 2/4 is missing" "$tmp/p1.part" "$tmp/p3.part" "$tmp/p4.part"
refused duplicate "shard 3 of 4 given twice" "$tmp/p1.part" "$tmp/p2.part" "$tmp/p3.part" \
    "$tmp/p3.part" "$tmp/p4.part"
"$bin" run "$cfg" "${opts[@]}" --seed 99 --shard 2/4 --out "$tmp/other.part" >/dev/null
refused other_config "are shards of different configs" "$tmp/p1.part" "$tmp/other.part" \
    "$tmp/p3.part" "$tmp/p4.part"
"$bin" run "$cfg" "${opts[@]}" --shard 2/3 --out "$tmp/of3.part" >/dev/null
refused other_count "is a shard of 4" "$tmp/p1.part" "$tmp/of3.part" "$tmp/p3.part" "$tmp/p4.part"
sed 's/^version .*/version 0.0.1/' "$tmp/p2.part" >"$tmp/old.part"
refused other_version "was written by mscsim 0.0.1" "$tmp/p1.part" "$tmp/old.part" \
    "$tmp/p3.part" "$tmp/p4.part"
head -n -2 "$tmp/p2.part" >"$tmp/cut.part"
refused truncated "is missing or damaged" "$tmp/p1.part" "$tmp/cut.part" "$tmp/p3.part" "$tmp/p4.part"
sed '/^unit 5 /s/ [0-9a-f]\{16\}/ 00/' "$tmp/p2.part" >"$tmp/bad.part"
refused damaged "unit 5 is missing or damaged" "$tmp/p1.part" "$tmp/bad.part" "$tmp/p3.part" \
    "$tmp/p4.part"
sed 's/^name = lee2022_fma_motor$/name = edited/' "$tmp/p2.part" >"$tmp/edited.part"
refused edited "does not match its digest" "$tmp/p1.part" "$tmp/edited.part" "$tmp/p3.part" "$tmp/p4.part"
refused not_partial "is not a partial file" "$tmp/single.csv"

# --shard errors.
"$bin" run "$cfg" --quiet --shard 5/4 --out "$tmp/x.part" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "1 <= K <= N" "$tmp/err" && [ ! -e "$tmp/x.part" ]
check "--shard 5/4 is refused" $? "$(cat "$tmp/err")"
"$bin" run "$cfg" --quiet --shard 1/2 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "needs --out" "$tmp/err"
check "--shard without --out is refused" $? "$(cat "$tmp/err")"
env -u SLURM_ARRAY_TASK_ID "$bin" run "$cfg" --quiet --shard slurm --out "$tmp/x.part" \
    >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "SLURM_ARRAY_TASK_ID is not set" "$tmp/err"
check "--shard slurm outside an array is refused" $? "$(cat "$tmp/err")"

# --shard slurm: tasks 0..3 given by MIN and MAX only, as shards 1..4.
for id in 0 1 2 3; do
    env -u SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_MIN=0 \
        SLURM_ARRAY_TASK_MAX=3 "$bin" run "$cfg" "${opts[@]}" --shard slurm \
        --out "$tmp/s$id.part" >/dev/null
done
cmp -s "$tmp/s1.part" "$tmp/p2.part" && "$bin" merge --quiet --out "$tmp/slurm.csv" \
    "$tmp"/s?.part >/dev/null && cmp -s "$tmp/single.csv" "$tmp/slurm.csv"
check "--shard slurm: task 1 of 0..3 is shard 2/4; merged = the single run" $? "differs"

# The README's sbatch script and merge step, as written, with the array's variables set
# and mscsim on PATH (fewer reps, added by a wrapper, so the test stays short).
mkdir -p "$tmp/bin" "$tmp/job"
cat >"$tmp/bin/mscsim" <<WRAP
#!/usr/bin/env bash
if [ "\$1" = run ]; then exec "$bin" "\$@" --reps 300; else exec "$bin" "\$@"; fi
WRAP
chmod +x "$tmp/bin/mscsim"
awk '/^<!-- sbatch script -->$/ { want = "script" } /^<!-- merge step -->$/ { want = "merge" }
     /^```sh$/ && want { file = want; want = ""; next } /^```$/ { file = "" }
     file { print > (dir "/" file ".sh") }' dir="$tmp/job" "$src/README.md"
grep -q -- '--shard slurm' "$tmp/job/script.sh" && grep -q '^#SBATCH --array' "$tmp/job/script.sh"
check "the README holds the sbatch script" $? "$(cat "$tmp/job/script.sh" 2>&1)"
mkdir -p "$tmp/job/configs" "$tmp/job/results"
cp "$cfg" "$tmp/job/configs/"
script_ok=0
for id in 1 2 3; do
    (cd "$tmp/job" && PATH="$tmp/bin:$PATH" SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_COUNT=3 \
        SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=3 SLURM_CPUS_PER_TASK=1 \
        bash "$tmp/job/script.sh") >/dev/null 2>"$tmp/err" || script_ok=1
done
(cd "$tmp/job" && PATH="$tmp/bin:$PATH" bash "$tmp/job/merge.sh") >/dev/null 2>>"$tmp/err" ||
    script_ok=1
sweep=$(grep -o -- '--set "sweep[^"]*"' "$tmp/job/script.sh" | tr '\n' ' ')
(cd "$tmp/job" && eval "$bin" run configs/lee2022_fma_motor.ini --quiet --reps 300 $sweep \
    --out "$tmp/job/direct.csv") >/dev/null
[ "$script_ok" = 0 ] && cmp -s "$tmp/job/results/lee2022_sweep.csv" "$tmp/job/direct.csv"
check "the README's sbatch script (3 tasks) and merge step = one run" $? "$(cat "$tmp/err")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
