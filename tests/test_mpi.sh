#!/usr/bin/env bash
# mscsim-mpi on 3 ranks (oversubscribed: CI has 2 cores and runs as root): a swept
# stroke-model run and a swept samplesize give the bytes of the threaded mscsim run; a rank
# that dies fails the job with a message and no output at all.
# Usage: test_mpi.sh PATH/TO/mscsim PATH/TO/mscsim-mpi SOURCE_DIR
set -u
bin=$1 mpi=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { if [ "$2" -eq 0 ]; then ok "$1"; else fail "$1: $3"; fi; }
mpirun=(mpirun --allow-run-as-root --oversubscribe -np 3)

cfg=$src/configs/lee2022_fma_motor.ini
opts=(--quiet --reps 9000 --set "trial.n=20, 40" --set "sweep.msc.r_gain=0.05, 0.1"
      --set "sweep.control.dropout=0.1, 0.3" --threads 1)
"$bin" run "$cfg" "${opts[@]}" --out "$tmp/threads.csv" >"$tmp/threads.out"
"${mpirun[@]}" "$mpi" run "$cfg" "${opts[@]}" --out "$tmp/ranks.csv" >"$tmp/ranks.out" 2>"$tmp/err"
check "mpirun -np 3 run exits 0" $? "$(cat "$tmp/err")"
cmp -s "$tmp/threads.csv" "$tmp/ranks.csv" && cmp -s "$tmp/threads.config.ini" "$tmp/ranks.config.ini"
check "3 ranks: the swept run's CSV and resolved config = mscsim's" $? \
    "$(diff "$tmp/threads.csv" "$tmp/ranks.csv" | head -5)"
diff <(sed 's/threads/X/g' "$tmp/threads.out") <(sed 's/ranks/X/g' "$tmp/ranks.out") >/dev/null
check "3 ranks: the same table on stdout" $? "$(diff "$tmp/threads.out" "$tmp/ranks.out" | head)"

lopts=(--quiet --reps 9000 --set "interim.looks=0.5, 1")
"$bin" run "$src/configs/example.ini" "${lopts[@]}" --out "$tmp/l.csv" >/dev/null
"${mpirun[@]}" "$mpi" run "$src/configs/example.ini" "${lopts[@]}" --out "$tmp/lr.csv" >/dev/null 2>"$tmp/err"
cmp -s "$tmp/l.csv" "$tmp/lr.csv" && cmp -s "$tmp/l_looks.csv" "$tmp/lr_looks.csv"
check "3 ranks: a design with interim looks, results and looks file = mscsim's" $? "$(cat "$tmp/err")"

ss=(--quiet --confirm-reps 400 --set "sweep.msc.mean=15, 16.5, 18")
"$bin" samplesize "$src/configs/example.ini" "${ss[@]}" --out "$tmp/ss1.csv" >/dev/null
"${mpirun[@]}" "$mpi" samplesize "$src/configs/example.ini" "${ss[@]}" --out "$tmp/ss3.csv" \
    >/dev/null 2>"$tmp/err"
cmp -s "$tmp/ss1.csv" "$tmp/ss3.csv" && cmp -s "$tmp/ss1_trace.csv" "$tmp/ss3_trace.csv" &&
    cmp -s "$tmp/ss1.config.ini" "$tmp/ss3.config.ini"
check "3 ranks: samplesize's answer, trace and config = mscsim's" $? "$(cat "$tmp/err")"

# Dropout swept first: grid points 1 and 3 share a truth, 2 and 4 another, so the points
# sharing one are not neighbours; 2 threads per rank: the truths do not depend on threads.
dopts=(--reps 9000 --set "trial.n=20, 40" --set "sweep.control.dropout=0.1, 0.3"
       --set "sweep.msc.r_gain=0.05, 0.1")
"$bin" run "$cfg" "${dopts[@]}" --quiet --threads 1 --out "$tmp/d1.csv" >/dev/null
"${mpirun[@]}" "$mpi" run "$cfg" "${dopts[@]}" --threads 2 --out "$tmp/d3.csv" \
    >/dev/null 2>"$tmp/err"
cmp -s "$tmp/d1.csv" "$tmp/d3.csv" && grep -q "on 3 ranks, 2 truths" "$tmp/err"
check "3 ranks of 2 threads, a truth shared by grid points apart: mscsim's CSV, 2 truths" $? \
    "$(cat "$tmp/err"; diff "$tmp/d1.csv" "$tmp/d3.csv" | head -5)"

# A rank that dies: killed (SIGKILL, nothing of it runs) once the job is under way. The
# run is long enough (10^6 trials) for the kill to land while it works.
mkdir -p "$tmp/dead"
"${mpirun[@]}" "$mpi" run "$cfg" --quiet --reps 250000 --threads 1 \
    --set "sweep.control.dropout=0.1, 0.3" --out "$tmp/dead/r.csv" >/dev/null 2>"$tmp/err" &
job=$!
victim=""
for _ in $(seq 300); do # the ranks are mpirun's children; rank 1 by its environment
    for pid in $(ps -o pid= --ppid "$job" 2>/dev/null); do
        grep -qz '^OMPI_COMM_WORLD_RANK=1$' "/proc/$pid/environ" 2>/dev/null && victim=$pid
    done
    [ -n "$victim" ] && break
    sleep 0.1
done
sleep 1
[ -n "$victim" ] && kill -KILL "$victim"
wait "$job"
status=$?
[ -n "$victim" ] && [ "$status" -ne 0 ] && grep -q "rank 1 .*signal 9" "$tmp/err" &&
    [ -z "$(ls -A "$tmp/dead")" ]
check "a rank killed mid-run fails the job (exit $status) with a message and no file" $? \
    "$(cat "$tmp/err"; ls "$tmp/dead")"

"${mpirun[@]}" "$mpi" run "$cfg" --quiet --shard 1/2 --out "$tmp/x.part" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && [ "$(grep -c 'takes neither --shard' "$tmp/err")" = 1 ] && [ ! -e "$tmp/x.part" ]
check "mscsim-mpi refuses --shard, once (rank 0 speaks)" $? "$(cat "$tmp/err")"
"${mpirun[@]}" "$mpi" keys >"$tmp/keys.md" 2>"$tmp/err" && "$bin" keys | cmp -s - "$tmp/keys.md"
check "other commands run once, on rank 0" $? "$(cat "$tmp/err")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
