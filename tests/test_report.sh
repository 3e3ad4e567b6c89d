#!/usr/bin/env bash
# mscsim report: the page is self-contained, its numbers are those of the results CSV of
# the same run, a report of its own run equals one from the files of `mscsim run`, the
# sections follow the columns present, bad input is refused with nothing written, and the
# page renders in headless Chromium (skipped with a message when chromium is absent).
# Usage: test_report.sh MSCSIM PNG_TOOL SOURCE_DIR
set -uo pipefail
bin=$1 png=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The reports' scratch folders go here, to see that they are removed.
mkdir "$tmp/scratch"
export TMPDIR="$tmp/scratch"
cd "$src"
passed=0 failed=0
ok() { echo "PASS $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

# Writes the <table id="$2"> of page $1 one row per line (its cells' text, | separated).
table_rows() {
    awk -v id="$2" '
        index($0, "<table id=\"" id "\"") { on = 1 }
        on && /^<tr/ { line = $0; gsub(/<\/td>/, "|", line); gsub(/<[^>]*>/, "", line)
                       gsub(/&ndash;/, "-", line); print line }
        on && /^<\/table>/ { exit }' "$1"
}

# ---- a report from the files of a run --------------------------------------------------
"$bin" run configs/example.ini --reps 400 --quiet --out "$tmp/ex.csv" \
    --replicates "$tmp/ex_rep.csv" > /dev/null
"$bin" report --from "$tmp/ex.csv" --replicates "$tmp/ex_rep.csv" --out "$tmp/ex.html" \
    > "$tmp/out" 2>&1
check "report --from writes the page" '[ -s "$tmp/ex.html" ] && grep -q "wrote $tmp/ex.html" "$tmp/out"'

# Self-contained: no reference to another file or the network, no script.
refs=$(grep -Eio "(src|href)=[\"'][^\"']*" "$tmp/ex.html" | grep -Eiv "^href=[\"']#" | head -3)
check "the page references nothing outside itself (src=/href= only to #ids)" '[ -z "$refs" ]'
check "the page names no http(s) address, script, stylesheet link, image or font file" \
    '! grep -Eqi "http|<script|<link|<img|<iframe|@import|@font-face|url\([^#]" "$tmp/ex.html"'
check "every figure is an inline svg (power and estimate distribution)" \
    '[ "$(grep -c "^<svg" "$tmp/ex.html")" -eq 2 ]'
ids=$(grep -o "id='[^']*'" "$tmp/ex.html" | sort | uniq -d | head -3)
check "ids are unique on the page (each figure prefixes its own)" '[ -z "$ids" ]'

# The numbers of the results table against the CSV, row by row: power and interval to 4
# decimals, bias to 4, coverage to 3, failures exactly (the page rounds the CSV's values).
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "%s|%s (%s + %s)|%s|%.4f|%.4f-%.4f|\n", $c["analysis"], $c["n_total"],
          $c["n_control"], $c["n_msc"], $c["reps"], $c["power"], $c["power_lo"], $c["power_hi"] }' \
    "$tmp/ex.csv" > "$tmp/want"
table_rows "$tmp/ex.html" results | cut -d'|' -f1-5 | sed 's/$/|/' > "$tmp/got"
check "power, interval, n and trials in the page equal the results CSV (4 decimals)" \
    'diff "$tmp/want" "$tmp/got" > /dev/null && [ -s "$tmp/want" ]'
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { printf "%.4f|%.4f|%.4f / %.4f|%.3f|%s\n", $c["true_effect"], $c["bias"], $c["empirical_se"],
          $c["mean_se"], $c["coverage"], $c["failures"] }' "$tmp/ex.csv" > "$tmp/want2"
table_rows "$tmp/ex.html" results | cut -d'|' -f7-11 > "$tmp/got2"
check "true effect, bias, SEs, coverage and failures in the page equal the results CSV" \
    'diff "$tmp/want2" "$tmp/got2" > /dev/null'
# The chosen n: the smallest reaching 0.8, else the largest (rows are in increasing n).
read -r chosen chosen_power < <(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { last = $c["n_total"] " " sprintf("%.1f %%", 100 * $c["power"]) }
    $c["power"] >= 0.8 && !found { found = last }
    END { print (found ? found : last) }' "$tmp/ex.csv")
check "the justification quotes the chosen n ($chosen) and its power ($chosen_power %)" \
    'grep -A3 "class=\"draft\"" "$tmp/ex.html" | grep -q "A total of $chosen patients.*power of $chosen_power"'

# ---- a report of its own run: the same numbers, byte-identical twice -------------------
"$bin" report configs/example.ini --reps 400 --quiet --out "$tmp/own.html" > /dev/null
"$bin" report configs/example.ini --reps 400 --quiet --threads 1 --out "$tmp/own2.html" > /dev/null
check "a report's own run gives the results of mscsim run (same seed and reps)" \
    'diff <(table_rows "$tmp/ex.html" results) <(table_rows "$tmp/own.html" results) > /dev/null'
# The pages differ only in the command line and the threads setting they show.
check "the same design gives the same page, byte for byte, on 1 or all threads" \
    'cmp -s <(grep -v -e "^<pre class=\"command\">" -e threads "$tmp/own.html") \
        <(grep -v -e "^<pre class=\"command\">" -e threads "$tmp/own2.html") &&
     [ "$(grep -c "^<pre class=\"command\">" "$tmp/own.html")" -eq 1 ]'
check "the scratch folders are removed" '[ -z "$(ls -A "$tmp/scratch")" ]'
check "the design table marks defaults and shows the config's notes" \
    'grep -q "<td>\[trial\] primary_visit</td><td class=\"value\">0</td><td>yes</td>" "$tmp/own.html" &&
     grep -q "<td>\[trial\] alpha</td><td class=\"value\">0.05</td><td>no</td>" "$tmp/own.html" &&
     grep -q "note in the config" "$tmp/own.html"'

# ---- --target: the sample-size search, as mscsim samplesize finds it --------------------
"$bin" samplesize configs/example.ini --reps 300 --quiet --confirm-reps 2000 \
    --out "$tmp/ss.csv" > /dev/null
"$bin" report configs/example.ini --reps 300 --quiet --confirm-reps 2000 --target 0.8 \
    --out "$tmp/ss.html" > "$tmp/out"
answer=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { print $c["n_total"]; exit }' "$tmp/ss.csv")
check "report --target finds the answer of mscsim samplesize (n = $answer) and shows its search" \
    'grep -q "n = $answer\$" "$tmp/out" && table_rows "$tmp/ss.html" samplesize | grep -q "^1|welch|$answer (" &&
     grep -q "id=\"trace-" "$tmp/ss.html" && table_rows "$tmp/ss.html" results | grep -q "^welch|$answer ("'

# ---- sections that follow the design ---------------------------------------------------
"$bin" report configs/lee2022_fma_motor.ini --reps 100 --quiet --set trial.n=60 \
    --set "sweep.msc.r_gain=0.05, 0.1" --out "$tmp/sweep.html" > /dev/null
check "a [sweep] gets its sensitivity figure and a row per grid point" \
    'grep -q "id=\"sweep-" "$tmp/sweep.html" && [ "$(table_rows "$tmp/sweep.html" results | wc -l)" -eq 2 ]'
"$bin" report configs/example.ini --reps 200 --quiet --set trial.n=4 --set control.dropout=0.5 \
    --set msc.dropout=0.5 --out "$tmp/fail.html" > /dev/null
check "failed analyses are warned about at the top" \
    'grep -A4 "class=\"warnings\"" "$tmp/fail.html" | grep -q "could not be analysed"'
check "a design without trouble says so" 'grep -q "class=\"ok\">No warnings" "$tmp/ex.html"'
# Columns of other features' results (interim looks, a design prior) open their sections:
# a copy of the results with such values set by hand, to test the report's reading of
# them (these are not results of those features).
check "a fixed design has no interim section (its interim columns are NA)" \
    '! grep -q "<h3>Interim looks</h3>" "$tmp/ex.html"'
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print $0, "new_thing"; next }
    { $c["expected_n"] = 55.5; $c["stop_efficacy"] = 0.25; print $0, 7 }' "$tmp/ex.csv" > "$tmp/cols.csv"
cp "$tmp/ex.config.ini" "$tmp/cols.config.ini"
"$bin" report --from "$tmp/cols.csv" --out "$tmp/cols.html" > /dev/null 2>&1
check "interim columns open the Interim looks section, unknown ones 'Other results columns'" \
    'table_rows "$tmp/cols.html" interim | grep -q "|55.5000|.*|0.2500|" &&
     table_rows "$tmp/cols.html" other | grep -q "|7|"'
# A design with an interim look: its looks file becomes the looks table, a row per look.
"$bin" report configs/example.ini --reps 200 --quiet --set "interim.looks=0.5, 1" \
    --out "$tmp/int.html" > /dev/null
check "an [interim] design gets the Interim looks section and a looks table (2 looks x 4 n)" \
    'grep -q "<h3>Interim looks</h3>" "$tmp/int.html" && [ "$(table_rows "$tmp/int.html" looks | wc -l)" -eq 8 ]'
awk 'NR > 1 { sub(/,power,/, ",assurance,") } { print }' "$tmp/ex.csv" > "$tmp/prior.csv"
cp "$tmp/ex.config.ini" "$tmp/prior.config.ini"
"$bin" report --from "$tmp/prior.csv" --out "$tmp/prior.html" > /dev/null 2>&1
check "rejection_kind assurance opens the Assurance section" \
    'grep -q "<h3>Assurance</h3>" "$tmp/prior.html" && ! grep -q "<h3>Assurance</h3>" "$tmp/ex.html"'

# ---- bad input: a clear message, exit 2, nothing written ---------------------------------
refused() { # name, expected status, message pattern, command... (its page: $tmp/bad.html)
    local name=$1 want=$2 pattern=$3
    shift 3
    rm -f "$tmp"/bad.html*
    "$@" > "$tmp/out" 2>&1
    local rc=$?
    if [ $rc -eq "$want" ] && grep -Eq -- "$pattern" "$tmp/out" && ! ls "$tmp"/bad.html* > /dev/null 2>&1; then
        ok "$name"
    else
        bad "$name (exit $rc: $(head -c 300 "$tmp/out"))"
    fi
}
refused "an unreadable results file (exit 2)" 2 "cannot read '$tmp/none.csv'" \
    "$bin" report --from "$tmp/none.csv" --out "$tmp/bad.html"
cp "$tmp/ex.csv" "$tmp/lone.csv"
refused "results without their resolved config (exit 2)" 2 "lone.config.ini" \
    "$bin" report --from "$tmp/lone.csv" --out "$tmp/bad.html"
refused "results of another design than CONFIG (exit 2, the setting named)" 2 \
    "ex.config.ini: the results were computed from another design: \[msc\] mean = 16.5 there, \[msc\] mean = 7 in configs/example.ini" \
    "$bin" report configs/example.ini --set msc.mean=7 --from "$tmp/ex.csv" --out "$tmp/bad.html"
cp "$tmp/ex.csv" "$tmp/mix.csv"
"$bin" run configs/binary.ini --reps 10 --quiet --out "$tmp/bin.csv" > /dev/null
cp "$tmp/bin.config.ini" "$tmp/mix.config.ini"
refused "results whose resolved config is another design's (exit 2, the row named)" 2 \
    "mix.csv:2: analysis 'welch' is not among the analyses" \
    "$bin" report --from "$tmp/mix.csv" --out "$tmp/bad.html"
head -c 3000 /dev/urandom > "$tmp/junk.csv"
cp "$tmp/ex.config.ini" "$tmp/junk.config.ini"
refused "a results file that is not a results CSV (exit 2)" 2 "junk.csv" \
    "$bin" report --from "$tmp/junk.csv" --out "$tmp/bad.html"
refused "an output folder that does not exist (exit 2)" 2 "folder '$tmp/nowhere' does not exist" \
    "$bin" report --from "$tmp/ex.csv" --out "$tmp/nowhere/x.html"
refused "--replicates without --from (exit 2)" 2 "--replicates goes with --from" \
    "$bin" report configs/example.ini --replicates "$tmp/ex_rep.csv" --out "$tmp/bad.html"
check "no temporary is left beside a refused page" '! ls "$tmp"/*.tmp > /dev/null 2>&1'

# ---- rendering in headless Chromium ------------------------------------------------------
if ! command -v chromium > /dev/null 2>&1; then
    echo "SKIP rendering: chromium is not installed (Debian package chromium; .ci/install-deps.sh installs it)"
else
    # A4's width at 96 dpi (210 mm = 794 px), 3000 px down: the warnings, the design and
    # the first figure.
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$tmp/chromium" --screenshot="$tmp/ex.png" --window-size=794,3000 \
        "file://$tmp/ex.html" > /dev/null 2>&1
    read -r width height ink right < <("$png" "$tmp/ex.png" 2>/dev/null || echo 0 0 0 0)
    check "Chromium renders the page to an A4-wide PNG (${width}x${height})" \
        '[ "$width" = 794 ] && [ "$height" = 3000 ]'
    check "the rendered page is not blank (ink on $ink of the pixels; text and figures > 3 %)" \
        'awk -v i="$ink" "BEGIN { exit !(i > 0.03 && i < 0.6) }"'
    check "nothing spills past the page's right margin (last inked column $right < 780)" \
        '[ "$right" -ge 600 ] && [ "$right" -lt 780 ]'
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
