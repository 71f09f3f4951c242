/* Illegal-rounding-mode probe: for each instruction word given in hex on the command line,
 * executes it (from an executable buffer, followed by ret) with frm set to argv[1], and prints
 * "ill" if it raised SIGILL, else "ok". Run under qemu-riscv64 by test/fpu/rm.test.ts, which
 * supplies words with rm = 5, 6 (always reserved) or 7 (dynamic) and frm = 5..7. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf env;
static void on_ill(int sig) { (void)sig; siglongjmp(env, 1); }

int main(int argc, char **argv) {
  uint32_t *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED || argc < 2) return 2;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_ill;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGILL, &sa, 0);
  unsigned frm = (unsigned)strtoul(argv[1], 0, 0);
  for (int i = 2; i < argc; i++) {
    code[0] = (uint32_t)strtoul(argv[i], 0, 16);
    code[1] = 0x00008067; /* ret */
    __builtin___clear_cache((char *)code, (char *)(code + 2));
    if (sigsetjmp(env, 1) == 0) {
      __asm__ volatile("csrw frm, %0" :: "r"(frm));
      ((void (*)(void))code)();
      printf("ok\n");
    } else {
      printf("ill\n");
    }
  }
  return 0;
}
