/* Branchy benchmark: a small bytecode interpreter (switch dispatch — an indirect jump through a
 * table) running a loop program, plus function-pointer dispatch over an array of operations. */
#include <stdint.h>
#include <stdio.h>

enum op { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, POP, XOR, HALT };

static int64_t run(const int64_t *code) {
  int64_t stack[64];
  int sp = 0;
  int64_t acc = 0;
  for (const int64_t *pc = code;;) {
    switch ((enum op)*pc++) {
      case PUSH: stack[sp++] = *pc++; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case SWAP: { int64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case JNZ: { int64_t target = *pc++; if (stack[sp - 1]) pc = code + target; break; }
      case DEC: stack[sp - 1]--; break;
      case POP: acc += stack[--sp]; break;
      case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case HALT: return acc + (sp ? stack[sp - 1] : 0);
    }
  }
}

typedef uint64_t (*opfn)(uint64_t, uint64_t);
static uint64_t f_add(uint64_t a, uint64_t b) { return a + b; }
static uint64_t f_xor(uint64_t a, uint64_t b) { return a ^ (b << 1); }
static uint64_t f_mul(uint64_t a, uint64_t b) { return a * (b | 1); }
static uint64_t f_rot(uint64_t a, uint64_t b) { return (a << (b & 63)) | (a >> ((64 - (b & 63)) & 63)); }
static uint64_t f_sub(uint64_t a, uint64_t b) { return a - b * 3; }

int main(void) {
  /* counter on the stack; each round: push 3, mul, push 7, xor, pop (accumulate), dec, loop */
  static const int64_t prog[] = {
    PUSH, 3000000,
    /* 2: */ DUP, PUSH, 3, MUL, PUSH, 7, XOR, POP, DEC, JNZ, 2,
    HALT,
  };
  int64_t r = run(prog);
  static const opfn ops[] = { f_add, f_xor, f_mul, f_rot, f_sub };
  uint64_t v = 1;
  uint32_t s = 1;
  for (int i = 0; i < 8000000; i++) {
    s = s * 1664525u + 1013904223u;
    v = ops[(s >> 24) % 5](v, i);
  }
  printf("interp=%lld dispatch=%016llx\n", (long long)r, (unsigned long long)v);
  return 0;
}
