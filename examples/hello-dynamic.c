/* hello-dynamic: a dynamically linked glibc program. Running it needs the RISC-V sysroot
 * (tbscope/qemu-riscv64 -L /usr/riscv64-linux-gnu) for ld-linux and libc.so. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  printf("Hello from a dynamically linked RISC-V program (argc=%d)\n", argc);
  char *p = malloc(64);
  snprintf(p, 64, "%s-%d", "dyn", 42);
  printf("%s len=%zu cbrt(27)=%.6f\n", p, strlen(p), cbrt(27.0));
  free(p);
  return 0;
}
