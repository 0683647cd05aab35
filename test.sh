#!/usr/bin/env bash
# Installs what the tests need and runs every test of the solution (Release build).
# CI runs exactly this through .ci/run. Today the tests need only the .NET SDK; later capabilities add
# their native and reference dependencies (MuJoCo, PyTorch, ONNX) here, installed with apt-get as root.
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
dotnet test Control.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed"
exit "$status"
