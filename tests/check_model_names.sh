#!/usr/bin/env bash
# Adding a model must stay one new file plus its registry lines: nothing else in sim/ may
# know a model by name. Fails when
#   1. a model name ("normal", "ordinal", ...) is a C string literal in sim/ outside its own
#      model file, or a literal is a list of model names (the old `models` key columns);
#   2. sim/models/registry.c holds anything but the list (includes, the models' extern
#      declarations, the array of their addresses and comments).
# Allowed, each for a reason:
#   sim/distspec.c      "normal" is the normal distribution, not the model;
#   sim/config/validate.c "binary" and "ordinal" name outcome kinds in a message;
#   sim/trial/design.c  "binary" is the name of the binary outcome's 0/1 scale;
#
# Usage: bash tests/check_model_names.sh SOURCE_DIR
# Prints PASS/FAIL lines and "N passed, N failed"; exits 1 on a failure.
set -u
root=${1:?usage: check_model_names.sh SOURCE_DIR}
cd "$root" || exit 2
passed=0
failed=0
models="normal binary proportional random_recovery trajectory ordinal"
names_re=$(echo "$models" | tr ' ' '|')

allowed() { # file name
    case "$1:$2" in
    sim/models/"$2".c:*) return 0 ;;
    sim/distspec.c:normal) return 0 ;;
    sim/config/validate.c:binary | sim/config/validate.c:ordinal) return 0 ;;
    sim/trial/design.c:binary) return 0 ;;
    esac
    return 1
}

bad=0
while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    literal=${rest#*:}
    words=$(echo "$literal" | tr -d '"')
    for w in $words; do
        if ! allowed "$file" "$w"; then
            echo "FAIL $file:$line: model name in string literal $literal"
            bad=1
            break
        fi
    done
done < <(grep -rnoE "\"($names_re)( ($names_re))*\"" --include='*.c' --include='*.h' sim)
if [ "$bad" -eq 0 ]; then
    echo "PASS no model name literal outside its model file"
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi

registry=sim/models/registry.c
extra=$(perl -0pe 's{/\*.*?\*/}{}gs' "$registry" | grep -vE '^\s*$' |
    grep -vE '^#include "[a-z_/]+\.h"$' |
    grep -vE '^extern const mscsim_model_type sim_model_[a-z0-9_]+;$' |
    grep -vE '^const mscsim_model_type \*const sim_models\[\] = \{$' |
    grep -vE '^    &sim_model_[a-z0-9_]+,$' | grep -vE '^    NULL,$' | grep -vE '^\};$')
if [ -z "$extra" ]; then
    echo "PASS $registry holds only the list"
    passed=$((passed + 1))
else
    echo "FAIL $registry holds more than the list:"
    echo "$extra"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
