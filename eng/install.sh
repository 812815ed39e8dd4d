#!/usr/bin/env bash
# Installs what mlnet-lion needs on Debian 12 (idempotent; skips what is already there):
#   libtorch-dev   the engine (libtorch 1.13.1: C++ API, autograd, TorchScript) our native shim links
#   python3-torch  the same libtorch for Python: makes TorchScript fixtures in tests, PyTorch baselines
#   cmake, g++     build the native shim (the managed build runs them itself)
#   libopencv-imgcodecs-dev, libopencv-imgproc-dev   image decoding/resizing in the shim
#   libopenblas0-openmp   a fast BLAS for libtorch's matmuls (Debian's default reference BLAS makes
#                  the transformer ~9x slower); it takes over libblas.so.3 through update-alternatives
# The .NET 10 SDK must already be on PATH.
set -euo pipefail

packages=(libtorch-dev python3-torch cmake g++ make libopencv-imgcodecs-dev libopencv-imgproc-dev libopenblas0-openmp)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install.sh: the .NET 10 SDK is not on PATH; install it first (https://dot.net)." >&2
  exit 1
fi
echo "install.sh: ready (libtorch $(dpkg-query -W -f='${Version}' libtorch-dev), dotnet $(dotnet --version))"
