#!/usr/bin/env bash
# Installs everything mscsim builds and tests with on a fresh Debian 12 machine (run as root
# or through sudo): the README's set-up command and .ci/run both call it, so the package list
# lives here only.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# zlib1g-dev and chromium: the report's test renders the page headless and reads the PNG.
apt-get install -y -qq --no-install-recommends \
    build-essential cmake pkg-config libcsv-dev libinih-dev r-mathlib gnuplot-nox \
    locales clang libclang-rt-14-dev openmpi-bin libopenmpi-dev zlib1g-dev chromium >/dev/null
# A comma-decimal locale, for the test that results do not depend on the locale.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
    locale-gen >/dev/null
fi
