#!/usr/bin/env bash
# Checks that the core library only uses what the design allows (docs: style.md, habits
# 4 and 5), by listing the symbols its objects leave undefined (`nm -u`):
#   1. no Rmath random generators: they share global state (unif_rand's seed), so they
#      are not thread-safe and break per-trial streams;
#   2. no Rmath signrank/wilcox functions: they cache tables in static memory;
#   3. the library never exits or aborts;
#   4. the library never prints: no stdio output to stdout/stderr.
#
#   5. names say what is public: every symbol the library defines for other objects is either
#      mscsim_* and declared in a public header (include/mscsim/*.h), or sim_* (private to
#      sim/, declared in a sim/ header); a private helper never wears the public prefix.
#
# Usage: bash tests/check_symbols.sh path/to/libmscsim_core.a [include/mscsim]
# Prints one PASS/FAIL line per rule (each FAIL names the object and symbol) and ends
# with "N passed, N failed"; exits 1 when a rule fails or the archive cannot be read.
#
# Symbol spelling. This machine's libRmath (Debian r-mathlib, MATHLIB_STANDALONE) exports
# the plain names (unif_rand, rnorm, psignrank); Rmath.h maps them to Rf_rnorm etc. when
# built against R itself, Mach-O adds a leading underscore, and nm shows versioned
# references (exit@GLIBC_2.2.5) for shared objects. Every rule therefore matches
# ^_?(Rf_)?NAME(@.*)?$. _FORTIFY_SOURCE turns printf/fprintf into __printf_chk /
# __fprintf_chk, and gcc turns printf("...\n") into puts and printf("%c") into putchar,
# so those spellings are listed as well. Writing to a file the caller opened is allowed
# (fprintf/fputs/fwrite on a FILE *: the resolved config and the CSV); any reference to
# stdout or stderr is not, so fprintf(stderr, ...) is still caught.
# Build without -flto: LTO objects carry no ordinary symbol table for nm to read.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: bash $0 path/to/libmscsim_core.a [include/mscsim]" >&2
    exit 2
fi
lib=$1
include_dir=${2:-$(dirname "$0")/../include/mscsim}
passed=0
failed=0

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

if [ ! -r "$lib" ]; then
    echo "FAIL cannot read '$lib'"
    failed=$((failed + 1))
    finish
fi
if ! listing=$(nm -u -- "$lib" 2>&1); then
    echo "FAIL nm -u could not read '$lib': $listing"
    failed=$((failed + 1))
    finish
fi

# Guard against checking the wrong file (an empty archive would pass every rule).
if nm -- "$lib" 2>/dev/null | awk '$2 ~ /^[TDRB]$/ && $3 ~ /^_?mscsim_/ { found = 1 } END { exit !found }'; then
    echo "PASS '$lib' defines mscsim_ symbols"
    passed=$((passed + 1))
else
    echo "FAIL '$lib' defines no mscsim_ symbols: not the core library?"
    failed=$((failed + 1))
fi

# "member symbol" per undefined reference; nm heads each archive member with "name:".
refs=$(printf '%s\n' "$listing" | awk '/:$/ { member = substr($0, 1, length($0) - 1); next }
                                       NF { print (member == "" ? "?" : member), $NF }')

# rule TITLE REASON NAME1|NAME2|...
rule() {
    local title=$1 reason=$2 names=$3 hits
    hits=$(printf '%s\n' "$refs" | awk -v re="^_?(Rf_)?(${names})(@.*)?\$" 'NF == 2 && $2 ~ re')
    if [ -z "$hits" ]; then
        echo "PASS $title"
        passed=$((passed + 1))
        return
    fi
    while read -r member sym; do
        echo "FAIL $title: $member references $sym ($reason)"
    done <<<"$hits"
    failed=$((failed + 1))
}

rule "no Rmath random generators" \
    "Rmath generators keep global state; use the samplers in dist.h" \
    "unif_rand|norm_rand|exp_rand|set_seed|get_seed|R_unif_index|N01_kind|rnorm|runif|rbinom|rpois|rgamma|rbeta|rchisq|rexp|rhyper|rt|rf|rlogis|rweibull|rnbinom|rnbinom_mu|rgeom|rcauchy|rlnorm|rsignrank|rwilcox|rmultinom|rnchisq|rnbeta|rnt"

rule "no Rmath signrank/wilcox functions" \
    "they keep tables in static memory and are not thread-safe" \
    "dsignrank|psignrank|qsignrank|signrank_free|dwilcox|pwilcox|qwilcox|wilcox_free"

rule "the library never exits or aborts" \
    "return an mscsim_status instead" \
    "exit|_exit|_Exit|quick_exit|abort"

rule "the library never prints" \
    "report through mscsim_error; only sim/main.c prints" \
    "printf|vprintf|__printf_chk|__vprintf_chk|puts|putchar|perror|stdout|stderr"

# Rule 5: the defined globals (T code, D/B data, R read-only) of every member.
defined=$(nm --defined-only -- "$lib" 2>/dev/null | awk '$2 ~ /^[TDRB]$/ { sub(/^_/, "", $3); print $3 }' | sort -u)
public=$(cat "$include_dir"/*.h "$include_dir"/*.h.in 2>/dev/null | grep -oE '\bmscsim_[a-z0-9_]+' | sort -u)
bad=""
while read -r sym; do
    [ -z "$sym" ] && continue
    case $sym in
        *odr_asan.* | _asan* | __asan* | _ubsan* | __ubsan* | _sancov* | __sancov*) ;; # sanitizers
        sim_*) ;;
        mscsim_*) grep -qx -- "$sym" <<<"$public" || bad="$bad $sym (mscsim_ but not in a public header)" ;;
        *) bad="$bad $sym (neither mscsim_ nor sim_)" ;;
    esac
done <<<"$defined"
if [ -z "$bad" ]; then
    echo "PASS public names are declared in include/mscsim, private ones are sim_"
    passed=$((passed + 1))
else
    echo "FAIL names:$bad"
    failed=$((failed + 1))
fi


finish
