#!/usr/bin/env bash
# Rebuilds the prebuilt RISC-V example binaries in examples/bin/ from the sources here
# (`npm run build:examples`). The binaries are committed so running tbscope needs no cross
# compiler; rebuild only after editing a source. Needs riscv64-linux-gnu-gcc (Debian package
# gcc-riscv64-linux-gnu) and, for hello-dynamic, the sysroot /usr/riscv64-linux-gnu.
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-riscv64-linux-gnu-gcc}
command -v "$CC" >/dev/null || { echo "build.sh: $CC not found (apt-get install gcc-riscv64-linux-gnu)" >&2; exit 1; }
OUT=${OUT:-bin}   # tests rebuild into a scratch directory to check the committed binaries are current
mkdir -p "$OUT"
# -ffile-prefix-map keeps the build directory out of the debug info, so rebuilding on another
# machine gives the same bytes and the debugger finds sources relative to examples/.
COMMON=(-ffile-prefix-map="$PWD"=. -Wall -Wextra)
set -x
"$CC" "${COMMON[@]}" -static -Os -o "$OUT"/hello-static hello-static.c -lm
"$CC" "${COMMON[@]}" -static -O0 -g -o "$OUT"/step step.c
# Assembled separately: linking a .S directly leaves the driver's random temp name in the symbol table.
"$CC" "${COMMON[@]}" -g -c -o "$OUT"/tiny.o tiny.S
"$CC" "${COMMON[@]}" -nostdlib -static -o "$OUT"/tiny "$OUT"/tiny.o
rm "$OUT"/tiny.o
"$CC" "${COMMON[@]}" -nostdlib -static -Os -g -ffreestanding -fno-builtin -o "$OUT"/tiny-c tiny-c.c
# Static PIE: Debian's RISC-V libc.a is not built for static-pie (no rcrt1.o, no
# _dl_relocate_static_pie), so the static-PIE example is the libc-free one. The gcc driver
# still asks for an interpreter on RISC-V unless told --no-dynamic-linker.
"$CC" "${COMMON[@]}" -nostdlib -static-pie -Wl,--no-dynamic-linker -fPIE -Os -g -ffreestanding -fno-builtin -o "$OUT"/tiny-pie tiny-c.c
"$CC" "${COMMON[@]}" -Os -o "$OUT"/hello-dynamic hello-dynamic.c -lm
"$CC" "${COMMON[@]}" -static -Os -o "$OUT"/smc smc.c
"$CC" "${COMMON[@]}" -static -Os -o "$OUT"/segv segv.c
"$CC" "${COMMON[@]}" -static -Os -o "$OUT"/exitcode exitcode.c
"$CC" "${COMMON[@]}" -static -Os -o "$OUT"/printenv printenv.c
