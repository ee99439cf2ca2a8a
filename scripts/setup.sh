#!/usr/bin/env bash
# One-time set-up on a fresh Debian 12 / Ubuntu machine with Node 20+:
# system packages (ffmpeg, voices for the corpus, PyTorch (and onnx, to read exported models back) for training, fpcalc for the bench,
# mkvtoolnix for detect --mkv-chapters, redis-server for the job queue, chromium for the review
# page's tests), then npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(ffmpeg espeak-ng flite fonts-dejavu-core python3-numpy python3-torch python3-onnx libchromaprint-tools mkvtoolnix redis-server chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node's CUDA download is skipped by .npmrc (CPU works without it); see README.
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
echo "setup: done (ffmpeg: $(ffmpeg -version | head -n1 | cut -d' ' -f3))"
