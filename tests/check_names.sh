#!/usr/bin/env bash
# No second list of names: an analysis' name is spelled, as a C string, only in the file
# that defines its mscsim_analysis_type (anything else finds it through the registry and
# its hooks), and the analytic code names no analysis and no model at all (it reaches
# them through their types' hooks). Fails, printing the offending lines, if a list of
# names creeps back, e.g. strcmp(name, "welch") in a dispatch.
# Usage: check_names.sh SOURCE_DIR
set -uo pipefail
cd "$1/sim" || exit 1
failed=0 checked=0

# `.name = "x"` of every type a file defines; prints "file name" lines.
names_defined() { # $1 = the type's C name
    grep -rl --include='*.c' "^const $1 sim_" . | while read -r file; do
        sed -n 's/^ *\.name = "\([A-Za-z0-9_]*\)",.*/\1/p' "$file" | sed "s|^|$file |"
    done
}

analyses=$(names_defined mscsim_analysis_type)
models=$(names_defined mscsim_model_type)
[ "$(echo "$analyses" | wc -l)" -ge 2 ] || { echo "FAIL: found no analyses"; exit 1; }
[ "$(echo "$models" | wc -l)" -ge 2 ] || { echo "FAIL: found no models"; exit 1; }

while read -r file name; do
    checked=$((checked + 1))
    hits=$(grep -rn --include='*.c' --include='*.h' -F "\"$name\"" . | grep -v "^$file:")
    if [ -n "$hits" ]; then
        echo "FAIL: analysis name \"$name\" (defined in $file) spelled elsewhere:"
        echo "$hits"
        failed=$((failed + 1))
    fi
done <<< "$analyses"

while read -r file name; do
    checked=$((checked + 1))
    hits=$(grep -n -F "\"$name\"" analytic*.c)
    if [ -n "$hits" ]; then
        echo "FAIL: analytic code names \"$name\" (defined in $file):"
        echo "$hits"
        failed=$((failed + 1))
    fi
done <<< "$analyses
$models"

echo "$((checked - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
