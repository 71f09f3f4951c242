/* segv: dies of SIGSEGV on purpose (a store to an unmapped address) after printing a line, so
 * tests can compare the signal report and the 128+11 exit status with qemu-riscv64. */
#include <stdio.h>

int main(void) {
  printf("about to crash\n");
  fflush(stdout);
  volatile int *p = (volatile int *)0x10;
  *p = 42;
  printf("not reached\n");
  return 0;
}
