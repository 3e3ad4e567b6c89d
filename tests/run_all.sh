#!/usr/bin/env bash
# The whole test suite: a Release build and an AddressSanitizer + UBSan build, each
# built from scratch and run with ctest; the MPI build (mscsim-mpi, its test on 3 ranks)
# when mpicc is installed; then, when clang with libFuzzer is installed, a
# bounded fuzzing run of the config loader and the CSV readers (a minute each). Run from the
# repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DMSCSIM_SANITIZE=ON >/dev/null
cmake --build build-sanitize -j "$jobs"
ctest --test-dir build-sanitize --output-on-failure
if command -v mpicc >/dev/null 2>&1; then
    cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DMSCSIM_MPI=ON >/dev/null
    cmake --build build-mpi -j "$jobs" --target mscsim mscsim-mpi
    ctest --test-dir build-mpi -R '^test_mpi$' --output-on-failure
else
    echo "MPI tests skipped: mpicc is not installed (.ci/install-deps.sh installs OpenMPI)"
fi
if command -v clang >/dev/null 2>&1; then
    bash tests/fuzz/run_fuzz.sh 60
else
    echo "fuzzing skipped: clang is not installed (.ci/install-deps.sh installs it)"
fi
