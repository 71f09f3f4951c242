/* smc: self-modifying code. Maps an RWX page, writes a function into it, runs it, rewrites an
 * instruction, executes fence.i and runs it again — the translator must drop the stale TB.
 * Then the same with mprotect flipping a page between writable and executable. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* "addi a0, a0, imm" (I-type: imm[11:0] rs1=a0 funct3=0 rd=a0 opcode=0x13). */
static uint32_t addi_a0(int imm) { return ((uint32_t)(imm & 0xfff) << 20) | (10 << 15) | (10 << 7) | 0x13; }
static const uint32_t RET = 0x00008067; /* jalr x0, 0(ra) */

typedef long (*fn_t)(long);

static long run(uint32_t *code, long arg) {
  __asm__ volatile("fence.i" ::: "memory");
  return ((fn_t)(uintptr_t)code)(arg);
}

int main(void) {
  uint32_t *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) { perror("mmap"); return 1; }
  code[0] = addi_a0(1);
  code[1] = RET;
  printf("rwx: f(10) = %ld\n", run(code, 10));
  for (int k = 2; k <= 5; k++) {
    code[0] = addi_a0(k * 100);            /* rewrite the instruction in place */
    printf("rwx: after rewrite %d, f(10) = %ld\n", k, run(code, 10));
  }

  /* W^X style: write while RW, flip to RX, run, flip back, rewrite, run again. */
  uint32_t *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) { perror("mmap"); return 1; }
  for (int round = 1; round <= 3; round++) {
    if (mprotect(page, 4096, PROT_READ | PROT_WRITE)) { perror("mprotect"); return 1; }
    page[0] = addi_a0(-round);
    page[1] = addi_a0(round * 7);
    page[2] = RET;
    if (mprotect(page, 4096, PROT_READ | PROT_EXEC)) { perror("mprotect"); return 1; }
    printf("wx: round %d, g(1000) = %ld\n", round, run(page, 1000));
  }
  return 0;
}
