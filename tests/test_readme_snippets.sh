#!/usr/bin/env bash
# Every config snippet in the README (a ```ini block) must load and validate, so the docs
# cannot drift from the code. A block that is a whole config is checked as it is; a block
# preceded by a line `<!-- snippet base: configs/X.ini -->` is a fragment, checked appended
# to that shipped config. Each block is also run (`mscsim run --reps 20`).
# Usage: test_readme_snippets.sh MSCSIM SOURCE_DIR
set -uo pipefail
bin=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
passed=0 failed=0
awk -v dir="$tmp" '
    /^<!-- snippet base: .* -->$/ { base = $4; next }
    /^```ini$/ { n++; file = sprintf("%s/snippet%02d.ini", dir, n); inblock = 1
                 print (base == "" ? "-" : base) > (file ".base"); base = ""; next }
    /^```$/ && inblock { inblock = 0; close(file); next }
    inblock { print > file; next }
    { if ($0 !~ /^[[:space:]]*$/) base = "" }
' README.md
shopt -s nullglob
blocks=("$tmp"/snippet*.ini)
if [ ${#blocks[@]} -eq 0 ]; then
    echo "FAIL the README has no ini snippets (the extraction is broken)"
    echo "0 passed, 1 failed"
    exit 1
fi
for block in "${blocks[@]}"; do
    base=$(cat "$block.base")
    name=$(basename "$block" .ini)
    cfg="$tmp/$name.config.ini"
    : > "$tmp/err"
    if [ "$base" = "-" ]; then cp "$block" "$cfg"; else cat "$base" "$block" > "$cfg"; fi
    if out=$("$bin" check "$cfg" 2>&1) &&
        "$bin" run "$cfg" --reps 20 --quiet --out "$tmp/$name.csv" >/dev/null 2>"$tmp/err"; then
        echo "PASS README snippet $name (base $base)"
        passed=$((passed + 1))
    else
        echo "FAIL README snippet $name (base $base): $out $(cat "$tmp/err")"
        sed 's/^/    | /' "$block"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
