#!/usr/bin/env bash
# Installs what the tests need and runs every test of the solution (Release build).
# CI runs exactly this through .ci/run. Reference libraries for cross-checks come from Debian and are used
# through /usr/bin/python3: PyTorch (tensor ops, optimizers, distributions), SciPy (Riccati equations) and ONNX (the model checker
# every exported policy must pass), MuJoCo 2.2.2 (libmujoco-dev: the physics robots; its C shim is compiled during the
# build, so it must be installed first), with OpenBLAS as its BLAS so that
# `control bench tensors` compares against PyTorch as users run it (Debian's default reference BLAS is ~10x slower).
set -uo pipefail
cd "$(dirname "$0")"

packages=()
/usr/bin/python3 -c "import torch" 2>/dev/null || packages+=(python3-torch)
/usr/bin/python3 -c "import scipy" 2>/dev/null || packages+=(python3-scipy)
/usr/bin/python3 -c "import onnx" 2>/dev/null || packages+=(python3-onnx)
[ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ] || packages+=(libopenblas0-pthread)
[ -e /usr/include/mujoco/mujoco.h ] || packages+=(libmujoco-dev)
# Headless chromium renders `control report`'s HTML to a PNG in Cli.Tests (ReportTests).
command -v chromium >/dev/null || packages+=(chromium)
if [ ${#packages[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${packages[@]}" || exit 1
fi
log=$(mktemp)
dotnet test Control.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed"
exit "$status"
