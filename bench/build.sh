#!/usr/bin/env bash
# Rebuilds the prebuilt benchmark binaries in bench/bin/ from bench/src/ (static, -O2), so
# `npm run bench` needs no cross compiler. Needs riscv64-linux-gnu-gcc (gcc-riscv64-linux-gnu).
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-riscv64-linux-gnu-gcc}
command -v "$CC" >/dev/null || { echo "bench/build.sh: $CC not found (apt-get install gcc-riscv64-linux-gnu)" >&2; exit 1; }
OUT=${OUT:-bin}   # tests rebuild into a scratch directory to check the committed binaries are current
mkdir -p "$OUT"
for src in src/*.c; do
  name=$(basename "$src" .c)
  (set -x; "$CC" -static -O2 -Wall -pthread -ffile-prefix-map="$PWD"=. -o "$OUT/$name" "$src" -lm)
done
