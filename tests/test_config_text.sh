#!/usr/bin/env bash
# Config text as users and mscsim write it: comments after values, continued lists, NUL
# bytes, and resolved configs that must load back (long n lists, long config paths, a
# 32-value sweep) and rerun to the same CSV.
# Usage: test_config_text.sh MSCSIM CONFIG_DIR
set -uo pipefail
bin=$1 configs=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# '#' and ';' comments after values, and a list continued on an indented line.
cat > "$tmp/comments.ini" <<'INI'
[trial]
n = 60,     # a comment after a value
    100     ; and a continuation line
alpha = 0.05 # the usual level
[model]
type = normal
[msc]
mean = 0.5  # effect
[analysis]
test = welch
INI
if out=$("$bin" check "$tmp/comments.ini" 2>&1) && grep -q "^n = 60, 100$" <<<"$out" &&
    grep -q "^alpha = 0.05$" <<<"$out"; then ok "comments after values and a continued list"
else fail "comments: $out"; fi

# A NUL byte is refused with its line.
printf '[trial]\nn = 4\0 0\n[model]\ntype = normal\n[analysis]\ntest = welch\n' > "$tmp/nul.ini"
msg=$("$bin" check "$tmp/nul.ini" 2>&1); rc=$?
if [ $rc -eq 2 ] && [[ "$msg" == *"nul.ini:2:"*"NUL byte"* ]]; then ok "NUL byte: line 2, exit 2"
else fail "NUL byte: rc $rc: $msg"; fi

# The allocation with its arms named, in either order, is the unnamed control:msc.
for a in "msc 2 : control 1" "control 1 : msc 2" "1:2"; do
    got=$("$bin" check "$configs/example.ini" --set "trial.allocation=$a" 2>&1 | grep '^allocation')
    if [ "$got" = "allocation = 1:2" ]; then ok "allocation '$a' is 1 control : 2 msc"
    else fail "allocation '$a': $got"; fi
done
msg=$("$bin" check "$configs/example.ini" --set "trial.allocation=msc 2:1" 2>&1)
if [[ "$msg" == *"name both arms"* ]]; then ok "allocation naming one arm only is refused"
else fail "allocation msc 2:1: $msg"; fi

# A sweep that repeats a value (0.10 and 0.1 are one value) is refused: its rows could not
# be told apart; a grid too large through --set names --set.
msg=$("$bin" check "$configs/example.ini" --set "sweep.msc.mean=0.10, 0.1" 2>&1); rc=$?
if [ $rc -eq 2 ] && [[ "$msg" == *"--set: [sweep] msc.mean: value '0.1' repeats '0.10'"* ]]
then ok "a repeated swept value is refused"; else fail "repeated sweep value: $rc $msg"; fi
many=$(seq -s, 1 1 20)
msg=$("$bin" check "$configs/example.ini" --set "sweep.msc.mean=$many" --set "sweep.msc.sd=$many" \
    --set "sweep.control.sd=$many" 2>&1); rc=$?
if [ $rc -eq 2 ] && [[ "$msg" == "mscsim: --set: [sweep] control.sd: the grid has more than 4096 points"* ]]
then ok "a grid too large through --set names --set"; else fail "grid too large: $rc $msg"; fi

# A copied preset that keeps the preset's name is warned about where its results go.
sed 's/^name = .*/name = lee2022_fma_motor/' "$configs/example.ini" > "$tmp/mycopy.ini"
msg=$(cd "$tmp" && "$bin" run mycopy.ini --reps 5 --quiet 2>&1 >/dev/null)
if [[ "$msg" == *"warning: mycopy.ini sets [trial] name = lee2022_fma_motor"*"results/lee2022_fma_motor.csv"* ]] &&
    [ -e "$tmp/results/lee2022_fma_motor.csv" ]; then ok "a preset's name in a copy is warned about"
else fail "foreign name warning: $msg"; fi
msg=$(cd "$tmp" && "$bin" run "$configs/example.ini" --reps 5 --quiet 2>&1 >/dev/null)
# (5 trials can draw other warnings, e.g. a low coverage: only the name's is tested.)
if [[ "$msg" != *"[trial] name"* ]]; then ok "no warning when the name is the file's"
else fail "warned: $msg"; fi

# Numbers are decimal only: strtod's hexadecimal floats are refused with their key.
for set in "trial.alpha=0x0.1p0" "model.subgroups=0x1:5:1"; do
    msg=$("$bin" check "$configs/lee2022_fma_motor.ini" --set "$set" 2>&1); rc=$?
    if [ $rc -eq 2 ] && [[ "$msg" == "mscsim: --set: ["*"is not"* ]] && [[ "$msg" == *"0x"* ]]
    then ok "hexadecimal refused: $set"; else fail "hexadecimal $set: $rc $msg"; fi
done

# Resolved configs load back and rerun to the same bytes.
rerun() { # name config [run options]
    local name=$1 cfg=$2
    shift 2
    if "$bin" run "$cfg" --reps 20 --quiet --out "$tmp/$name.csv" "$@" >/dev/null 2>"$tmp/err" &&
        "$bin" run "$tmp/$name.config.ini" --quiet --out "$tmp/$name.again.csv" >/dev/null \
            2>>"$tmp/err" &&
        cmp -s "$tmp/$name.csv" "$tmp/$name.again.csv" &&
        [ "$(awk '!/^#/ { if (length($0) > m) m = length($0) } END { print m + 0 }' \
            "$tmp/$name.config.ini")" -le 198 ]
    then ok "resolved config reruns: $name"
    else fail "resolved config reruns: $name: $(cat "$tmp/err")"; fi
}
rerun n_list_64 "$configs/example.ini" --set "trial.n=$(seq -s, 2 2 128)"
deep="$tmp/$(printf 'a%.0s' {1..60})/$(printf 'b%.0s' {1..60})/$(printf 'c%.0s' {1..30})"
mkdir -p "$deep" && cp "$configs/example.ini" "$deep/example.ini"
rerun long_path "$deep/example.ini"
rerun sweep_32 "$configs/example.ini" --set trial.n=40 \
    --set "sweep.msc.mean=$(seq -s, 10 1 41 | sed 's/,/, /g')"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
