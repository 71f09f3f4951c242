/* FPU oracle generator: runs every RV64 F/D computational instruction through inline asm over a
 * grid of interesting operands and seeded random ones, in every rounding mode (static rm with a
 * different frm set, and dynamic rm), printing one line per case:
 *     mnemonic rm frm op1 op2 op3 result fflags        (all hex; op/result = raw 64-bit register)
 * Built by test/fpu/oracle.test.ts with riscv64-linux-gnu-gcc and run under qemu-riscv64, whose
 * results are the reference the TypeScript FPU is checked against. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t (*fn_t)(uint64_t a, uint64_t b, uint64_t c, unsigned frm, unsigned *fl);

static double D(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t U(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

/* Each generated function sets frm, clears fflags, runs the instruction, reads fflags. */
#define PRE "csrw frm, %[frm]\n\tcsrw fflags, zero\n\t"
#define POST "\n\tcsrr %[fl], fflags"
#define F3(N, I, RM) static uint64_t N(uint64_t a, uint64_t b, uint64_t c, unsigned frm, unsigned *fl) { \
  double r; unsigned f; (void)c; \
  __asm__ volatile(PRE I " %[r], %[a], %[b]" RM POST : [r] "=&f"(r), [fl] "=&r"(f) : [a] "f"(D(a)), [b] "f"(D(b)), [frm] "r"(frm)); \
  *fl = f; return U(r); }
#define F4(N, I, RM) static uint64_t N(uint64_t a, uint64_t b, uint64_t c, unsigned frm, unsigned *fl) { \
  double r; unsigned f; \
  __asm__ volatile(PRE I " %[r], %[a], %[b], %[c]" RM POST : [r] "=&f"(r), [fl] "=&r"(f) : [a] "f"(D(a)), [b] "f"(D(b)), [c] "f"(D(c)), [frm] "r"(frm)); \
  *fl = f; return U(r); }
#define F2(N, I, RM) static uint64_t N(uint64_t a, uint64_t b, uint64_t c, unsigned frm, unsigned *fl) { \
  double r; unsigned f; (void)b; (void)c; \
  __asm__ volatile(PRE I " %[r], %[a]" RM POST : [r] "=&f"(r), [fl] "=&r"(f) : [a] "f"(D(a)), [frm] "r"(frm)); \
  *fl = f; return U(r); }
#define XF(N, I, RM) static uint64_t N(uint64_t a, uint64_t b, uint64_t c, unsigned frm, unsigned *fl) { \
  uint64_t r; unsigned f; (void)b; (void)c; \
  __asm__ volatile(PRE I " %[r], %[a]" RM POST : [r] "=&r"(r), [fl] "=&r"(f) : [a] "f"(D(a)), [frm] "r"(frm)); \
  *fl = f; return r; }
#define XFF(N, I, RM) static uint64_t N(uint64_t a, uint64_t b, uint64_t c, unsigned frm, unsigned *fl) { \
  uint64_t r; unsigned f; (void)c; \
  __asm__ volatile(PRE I " %[r], %[a], %[b]" RM POST : [r] "=&r"(r), [fl] "=&r"(f) : [a] "f"(D(a)), [b] "f"(D(b)), [frm] "r"(frm)); \
  *fl = f; return r; }
#define FX(N, I, RM) static uint64_t N(uint64_t a, uint64_t b, uint64_t c, unsigned frm, unsigned *fl) { \
  double r; unsigned f; (void)b; (void)c; \
  __asm__ volatile(PRE I " %[r], %[a]" RM POST : [r] "=&f"(r), [fl] "=&r"(f) : [a] "r"(a), [frm] "r"(frm)); \
  *fl = f; return U(r); }

/* One instruction in all six rounding variants: rne rtz rdn rup rmm dyn. */
#define ALLRM(K, N, I) K(N##_0, I, ", rne") K(N##_1, I, ", rtz") K(N##_2, I, ", rdn") K(N##_3, I, ", rup") \
  K(N##_4, I, ", rmm") K(N##_7, I, ", dyn")
#define RMFNS(N) { N##_0, N##_1, N##_2, N##_3, N##_4, N##_7 }
#define NORM(K, N, I) K(N##_n, I, "")

enum { OPF, OPI }; /* operand kind of op1: FP register or integer register */
enum { S_, D_ }; /* precision of FP operands (selects the value pools) */
typedef struct { const char *name; int nops, prec, kind, hasrm; fn_t fn[6]; } insn_t;

ALLRM(F3, fadd_s, "fadd.s") ALLRM(F3, fsub_s, "fsub.s") ALLRM(F3, fmul_s, "fmul.s") ALLRM(F3, fdiv_s, "fdiv.s")
ALLRM(F3, fadd_d, "fadd.d") ALLRM(F3, fsub_d, "fsub.d") ALLRM(F3, fmul_d, "fmul.d") ALLRM(F3, fdiv_d, "fdiv.d")
ALLRM(F2, fsqrt_s, "fsqrt.s") ALLRM(F2, fsqrt_d, "fsqrt.d") ALLRM(F2, fcvt_s_d, "fcvt.s.d")
ALLRM(F4, fmadd_s, "fmadd.s") ALLRM(F4, fmsub_s, "fmsub.s") ALLRM(F4, fnmsub_s, "fnmsub.s") ALLRM(F4, fnmadd_s, "fnmadd.s")
ALLRM(F4, fmadd_d, "fmadd.d") ALLRM(F4, fmsub_d, "fmsub.d") ALLRM(F4, fnmsub_d, "fnmsub.d") ALLRM(F4, fnmadd_d, "fnmadd.d")
ALLRM(XF, fcvt_w_s, "fcvt.w.s") ALLRM(XF, fcvt_wu_s, "fcvt.wu.s") ALLRM(XF, fcvt_l_s, "fcvt.l.s") ALLRM(XF, fcvt_lu_s, "fcvt.lu.s")
ALLRM(XF, fcvt_w_d, "fcvt.w.d") ALLRM(XF, fcvt_wu_d, "fcvt.wu.d") ALLRM(XF, fcvt_l_d, "fcvt.l.d") ALLRM(XF, fcvt_lu_d, "fcvt.lu.d")
ALLRM(FX, fcvt_s_w, "fcvt.s.w") ALLRM(FX, fcvt_s_wu, "fcvt.s.wu") ALLRM(FX, fcvt_s_l, "fcvt.s.l") ALLRM(FX, fcvt_s_lu, "fcvt.s.lu")
ALLRM(FX, fcvt_d_l, "fcvt.d.l") ALLRM(FX, fcvt_d_lu, "fcvt.d.lu")
NORM(F2, fcvt_d_s, "fcvt.d.s") NORM(FX, fcvt_d_w, "fcvt.d.w") NORM(FX, fcvt_d_wu, "fcvt.d.wu")
NORM(F3, fsgnj_s, "fsgnj.s") NORM(F3, fsgnjn_s, "fsgnjn.s") NORM(F3, fsgnjx_s, "fsgnjx.s")
NORM(F3, fsgnj_d, "fsgnj.d") NORM(F3, fsgnjn_d, "fsgnjn.d") NORM(F3, fsgnjx_d, "fsgnjx.d")
NORM(F3, fmin_s, "fmin.s") NORM(F3, fmax_s, "fmax.s") NORM(F3, fmin_d, "fmin.d") NORM(F3, fmax_d, "fmax.d")
NORM(XFF, feq_s, "feq.s") NORM(XFF, flt_s, "flt.s") NORM(XFF, fle_s, "fle.s")
NORM(XFF, feq_d, "feq.d") NORM(XFF, flt_d, "flt.d") NORM(XFF, fle_d, "fle.d")
NORM(XF, fclass_s, "fclass.s") NORM(XF, fclass_d, "fclass.d") NORM(XF, fmv_x_w, "fmv.x.w") NORM(XF, fmv_x_d, "fmv.x.d")
NORM(FX, fmv_w_x, "fmv.w.x") NORM(FX, fmv_d_x, "fmv.d.x")

#define R(nm, n, p, k, N) { nm, n, p, k, 1, RMFNS(N) }
#define N1(nm, n, p, k, N) { nm, n, p, k, 0, { N##_n } }
static const insn_t insns[] = {
  R("fadd.s", 2, S_, OPF, fadd_s), R("fsub.s", 2, S_, OPF, fsub_s), R("fmul.s", 2, S_, OPF, fmul_s), R("fdiv.s", 2, S_, OPF, fdiv_s),
  R("fadd.d", 2, D_, OPF, fadd_d), R("fsub.d", 2, D_, OPF, fsub_d), R("fmul.d", 2, D_, OPF, fmul_d), R("fdiv.d", 2, D_, OPF, fdiv_d),
  R("fsqrt.s", 1, S_, OPF, fsqrt_s), R("fsqrt.d", 1, D_, OPF, fsqrt_d), R("fcvt.s.d", 1, D_, OPF, fcvt_s_d),
  R("fmadd.s", 3, S_, OPF, fmadd_s), R("fmsub.s", 3, S_, OPF, fmsub_s), R("fnmsub.s", 3, S_, OPF, fnmsub_s), R("fnmadd.s", 3, S_, OPF, fnmadd_s),
  R("fmadd.d", 3, D_, OPF, fmadd_d), R("fmsub.d", 3, D_, OPF, fmsub_d), R("fnmsub.d", 3, D_, OPF, fnmsub_d), R("fnmadd.d", 3, D_, OPF, fnmadd_d),
  R("fcvt.w.s", 1, S_, OPF, fcvt_w_s), R("fcvt.wu.s", 1, S_, OPF, fcvt_wu_s), R("fcvt.l.s", 1, S_, OPF, fcvt_l_s), R("fcvt.lu.s", 1, S_, OPF, fcvt_lu_s),
  R("fcvt.w.d", 1, D_, OPF, fcvt_w_d), R("fcvt.wu.d", 1, D_, OPF, fcvt_wu_d), R("fcvt.l.d", 1, D_, OPF, fcvt_l_d), R("fcvt.lu.d", 1, D_, OPF, fcvt_lu_d),
  R("fcvt.s.w", 1, S_, OPI, fcvt_s_w), R("fcvt.s.wu", 1, S_, OPI, fcvt_s_wu), R("fcvt.s.l", 1, S_, OPI, fcvt_s_l), R("fcvt.s.lu", 1, S_, OPI, fcvt_s_lu),
  R("fcvt.d.l", 1, D_, OPI, fcvt_d_l), R("fcvt.d.lu", 1, D_, OPI, fcvt_d_lu),
  N1("fcvt.d.s", 1, S_, OPF, fcvt_d_s), N1("fcvt.d.w", 1, D_, OPI, fcvt_d_w), N1("fcvt.d.wu", 1, D_, OPI, fcvt_d_wu),
  N1("fsgnj.s", 2, S_, OPF, fsgnj_s), N1("fsgnjn.s", 2, S_, OPF, fsgnjn_s), N1("fsgnjx.s", 2, S_, OPF, fsgnjx_s),
  N1("fsgnj.d", 2, D_, OPF, fsgnj_d), N1("fsgnjn.d", 2, D_, OPF, fsgnjn_d), N1("fsgnjx.d", 2, D_, OPF, fsgnjx_d),
  N1("fmin.s", 2, S_, OPF, fmin_s), N1("fmax.s", 2, S_, OPF, fmax_s), N1("fmin.d", 2, D_, OPF, fmin_d), N1("fmax.d", 2, D_, OPF, fmax_d),
  N1("feq.s", 2, S_, OPF, feq_s), N1("flt.s", 2, S_, OPF, flt_s), N1("fle.s", 2, S_, OPF, fle_s),
  N1("feq.d", 2, D_, OPF, feq_d), N1("flt.d", 2, D_, OPF, flt_d), N1("fle.d", 2, D_, OPF, fle_d),
  N1("fclass.s", 1, S_, OPF, fclass_s), N1("fclass.d", 1, D_, OPF, fclass_d),
  N1("fmv.x.w", 1, S_, OPF, fmv_x_w), N1("fmv.x.d", 1, D_, OPF, fmv_x_d),
  N1("fmv.w.x", 1, S_, OPI, fmv_w_x), N1("fmv.d.x", 1, D_, OPI, fmv_d_x),
};

/* ---- operand pools ---------------------------------------------------------------------- */
#define BOX(x) (0xffffffff00000000ull | (uint32_t)(x))
static const uint64_t gridS[] = {
  BOX(0x00000000), BOX(0x80000000), BOX(0x3f800000), BOX(0xbf800000), BOX(0x3fc00000), BOX(0x40000000),
  BOX(0x40400000), BOX(0x3eaaaaab), BOX(0xbeaaaaab), BOX(0x3dcccccd), BOX(0x7f800000), BOX(0xff800000),
  BOX(0x7fc00000), BOX(0x7f800001), BOX(0xffc12345), BOX(0x7fa00000), BOX(0x00000001), BOX(0x80000001),
  BOX(0x007fffff), BOX(0x00800000), BOX(0x80800000), BOX(0x00800001), BOX(0x7f7fffff), BOX(0xff7fffff),
  BOX(0x7f000000), BOX(0x3f800001), BOX(0x3f7fffff), BOX(0x4b800000), BOX(0x4b7fffff), BOX(0x4b800001),
  BOX(0x3f000000), BOX(0xbf000000), BOX(0x40200000), BOX(0xc0200000), BOX(0x3fa00000), BOX(0x4f000000),
  BOX(0xcf000000), BOX(0x4effffff), BOX(0x4f800000), BOX(0x5f000000), BOX(0xdf000000), BOX(0x5f800000),
  BOX(0x5effffff), BOX(0x0da24260), BOX(0x34000000), BOX(0x33800000), BOX(0x33000000), BOX(0x00400000),
  BOX(0x01000000), BOX(0x1f800000), BOX(0x60000000), BOX(0x3f7ff800), BOX(0x00800400),
  0x000000003f800000ull, 0x7fffffff40000000ull, 0x0000000000000000ull, /* improperly NaN-boxed */
};
static const uint64_t gridD[] = {
  0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
  0x3ff8000000000000ull, 0x4000000000000000ull, 0x4008000000000000ull, 0x3fd5555555555555ull,
  0xbfd5555555555555ull, 0x3fb999999999999aull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
  0x7ff8000000000000ull, 0x7ff0000000000001ull, 0xfff8000000012345ull, 0x7ff4000000000000ull,
  0x0000000000000001ull, 0x8000000000000001ull, 0x000fffffffffffffull, 0x0010000000000000ull,
  0x8010000000000000ull, 0x0010000000000001ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
  0x7fe0000000000000ull, 0x3ff0000000000001ull, 0x3fefffffffffffffull, 0x4340000000000000ull,
  0x433fffffffffffffull, 0x4340000000000001ull, 0x3fe0000000000000ull, 0xbfe0000000000000ull,
  0x4004000000000000ull, 0xc004000000000000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull,
  0x41dfffffffc00000ull, 0x41dfffffffe00000ull, 0x41efffffffe00000ull, 0x41f0000000000000ull,
  0xc1e0000000100000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull, 0x43dfffffffffffffull,
  0x43f0000000000000ull, 0x43efffffffffffffull, 0x3ca0000000000000ull, 0x3c90000000000000ull,
  0x0008000000000000ull, 0x47efffffe0000000ull, 0x47efffffefffffffull, 0x47efffff00000000ull,
  0x36a0000000000000ull, 0x3690000000000000ull, 0x3680000000000000ull, 0x380fffffffffffffull,
  0x37a0000000000001ull, 0x3810000000000000ull, 0x7e37e43c8800759cull, 0x0170000000000000ull,
  0x5fe0000000000000ull, 0x2000000000000000ull,
  /* (1-2^-27) * (1+2^-27)2^-1022 = 2^-1022 - 2^-1076: rounds to the min normal, not tiny after rounding */
  0x3feffffffc000000ull, 0x0010000002000000ull,
  /* fcvt.s.d tininess edges around 2^-126 (- 2^-151 is the RNE boundary, - 2^-150 the directed one) */
  0x380ffffff0000000ull, 0x380ffffff8000000ull, 0x380fffffdff80000ull, 0x380ffffff0000200ull, 0x380fffffeffffe00ull,
  /* fcvt.s.d overflow edges: 2^128, just below it, the RNE threshold MAX+ulp/2 +- 1 double ulp */
  0x47f0000000000000ull, 0x47efffffffffffffull, 0x47efffffe0000001ull, 0x47efffffdfffffffull,
};
/* Fused-op edge operands: products that land just below the min normal, combined with tiny addends. */
static const uint64_t edgeS[] = { BOX(0x3f7ff800), BOX(0x00800400), BOX(0xbf7ff800), BOX(0x00000001), BOX(0x80000001), BOX(0x00800000), BOX(0) };
/* Single fused ops whose a*b + c, rounded to double, is a binary32 midpoint with a residual below
 * and above it: rounding that double to binary32 (ties to even) gives the wrong neighbour. */
static const uint64_t midS[][3] = {
  { BOX(0x39800001), BOX(0x397ffffe), BOX(0x3f800001) },   /* 2^-24 - 2^-70 + (1 + 2^-23) */
  { BOX(0x39800800), BOX(0x397ff001), BOX(0x3f800002) },   /* 2^-24 + 2^-60 + (1 + 2^-22) */
};
static const uint64_t edgeD[] = { 0x3feffffffc000000ull, 0x0010000002000000ull, 0xbfeffffffc000000ull, 1, 0x8000000000000001ull,
  0x0010000000000000ull, 0 };
static const uint64_t gridI[] = {
  0, 1, 0xffffffffffffffffull, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x100000001ull,
  0xffffffff80000000ull, 0x0000000001000001ull, 0x0000000001000003ull, 0x000000002000000bull, 0x20000000000001ull,
  0x20000000000003ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull, 0xfffffffffffffffeull,
  0x123456789abcdef1ull, 0xfedcba9876543210ull, 0x00000000ffffff80ull, 0xffffff7fffffff80ull, 0x7fffff4000000000ull,
  0xfffffffffeffffffull, 0x0000000100000080ull, 0xffffffffff000001ull,
  0x1000001000000001ull, 0xefffffefffffffffull, /* RN to double lands on a binary32 midpoint; the residual decides */
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull; z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
/* Random FP value biased toward interesting exponents: tiny, near 1, near overflow, near int limits. */
static uint64_t randS(void) {
  uint64_t r = next(); uint32_t m = (uint32_t)r & 0x7fffff, sign = (uint32_t)(r >> 63) << 31, e;
  switch ((r >> 40) % 10) {
    case 0: return BOX((uint32_t)(r >> 8));
    case 8: e = 63 + (r >> 32) % 5 - 2; break;     /* squares land near 2^-126: tininess edge */
    case 9: e = 1 + (r >> 32) % 3; m |= (r >> 48) & 1 ? 0x7fff00 : 0; break; /* around the min normal */
    case 1: e = (r >> 32) % 30; break;             /* subnormal / tiny normal */
    case 2: e = 254 - (r >> 32) % 30; break;       /* near overflow */
    case 3: e = 150 + (r >> 32) % 50 - 25; break;  /* near 2^23..2^64 (integer conversions) */
    case 4: m &= 0x7ff000; /* short mantissas: exact products, ties */ /* fallthrough */
    default: e = 127 + (r >> 32) % 40 - 20;
  }
  return BOX(sign | (e << 23) | m);
}
static uint64_t randD(void) {
  uint64_t r = next(), m = next() & 0xfffffffffffffull, sign = r & 0x8000000000000000ull, e;
  switch ((r >> 20) % 10) {
    case 0: return next();
    case 8: e = 511 + (r >> 32) % 5 - 2; break;    /* products land near 2^-1022 */
    case 9: e = 1 + (r >> 32) % 3; m |= (r >> 48) & 1 ? 0xfffffffffff00ull : 0; break;
    case 1: e = (r >> 32) % 60; break;
    case 2: e = 2046 - (r >> 32) % 60; break;
    case 3: e = 1075 + (r >> 32) % 80 - 40; break;
    case 4: m &= 0xffffff0000000ull; /* fallthrough */
    default: e = 1023 + (r >> 32) % 80 - 40;
  }
  return sign | (e << 52) | m;
}
static uint64_t randI(void) {
  uint64_t r = next();
  switch (r % 4) {
    case 0: return next();
    case 1: return next() >> (r >> 8) % 64;
    case 2: return (uint64_t)(int64_t)(int32_t)next();
    default: return -(next() >> (r >> 8) % 64);
  }
}
/* For three-operand ops: an addend that nearly cancels a*b, to exercise the single rounding. */
static uint64_t cancelling(uint64_t a, uint64_t b, int prec) {
  uint64_t r = next();
  if (prec == S_) {
    float fa, fb; uint32_t ua = (uint32_t)a, ub = (uint32_t)b; memcpy(&fa, &ua, 4); memcpy(&fb, &ub, 4);
    float p = -(fa * fb); uint32_t u; memcpy(&u, &p, 4); u += (uint32_t)(r % 5) - 2; return BOX(u);
  }
  double p = -(D(a) * D(b)); return U(p) + (r % 5) - 2;
}

static void emit(const insn_t *in, uint64_t a, uint64_t b, uint64_t c) {
  unsigned fl;
  if (!in->hasrm) {
    uint64_t r = in->fn[0](a, b, c, 0, &fl);
    printf("%s 0 0 %llx %llx %llx %llx %x\n", in->name, (unsigned long long)a, (unsigned long long)b,
           (unsigned long long)c, (unsigned long long)r, fl);
    return;
  }
  for (int i = 0; i < 6; i++) {
    int rm = i < 5 ? i : 7;
    /* static modes run with frm set to some other mode (must be ignored); dyn takes frm from a cycle */
    unsigned frm = i < 5 ? (unsigned)(i + 1 + (a ^ b) % 4) % 5 : (unsigned)(next() % 5);
    uint64_t r = in->fn[i](a, b, c, frm, &fl);
    printf("%s %d %u %llx %llx %llx %llx %x\n", in->name, rm, frm, (unsigned long long)a, (unsigned long long)b,
           (unsigned long long)c, (unsigned long long)r, fl);
  }
}

int main(int argc, char **argv) {
  /* optional: number of random cases per instruction (default 1000) and a seed, for longer soak runs */
  const int nrand = argc > 1 ? atoi(argv[1]) : 1000;
  if (argc > 2) rng = strtoull(argv[2], 0, 0);
  for (size_t k = 0; k < COUNT(insns); k++) {
    const insn_t *in = &insns[k];
    const uint64_t *g = in->kind == OPI ? gridI : in->prec == S_ ? gridS : gridD;
    size_t n = in->kind == OPI ? COUNT(gridI) : in->prec == S_ ? COUNT(gridS) : COUNT(gridD);
    uint64_t (*rnd)(void) = in->kind == OPI ? randI : in->prec == S_ ? randS : randD;
    if (in->nops == 1) for (size_t i = 0; i < n; i++) emit(in, g[i], 0, 0);
    if (in->nops == 2) for (size_t i = 0; i < n; i++) for (size_t j = 0; j < n; j++) emit(in, g[i], g[j], 0);
    if (in->nops == 3) { /* a sub-grid cubed (every 4th/5th value, offset per operand), then the edge cube */
      size_t st = in->prec == S_ ? 4 : 5;
      for (size_t i = 0; i < n; i += st) for (size_t j = 1; j < n; j += st) for (size_t l = 2; l < n; l += st) emit(in, g[i], g[j], g[l]);
      const uint64_t *e = in->prec == S_ ? edgeS : edgeD;
      size_t ne = in->prec == S_ ? COUNT(edgeS) : COUNT(edgeD);
      for (size_t i = 0; i < ne; i++) for (size_t j = 0; j < ne; j++) for (size_t l = 0; l < ne; l++) emit(in, e[i], e[j], e[l]);
      if (in->prec == S_) for (size_t i = 0; i < COUNT(midS); i++) emit(in, midS[i][0], midS[i][1], midS[i][2]);
    }
    for (int t = 0; t < nrand; t++) {
      uint64_t a = rnd(), b = rnd(), c = rnd();
      if (in->nops == 2 && t % 3 == 0) b = (a ^ 0x8000000000000000ull) + (next() % 7) - 3; /* near-cancelling / equal */
      if (in->nops == 3 && t % 2 == 0) c = cancelling(a, b, in->prec);
      emit(in, a, b, c);
    }
  }
  return 0;
}
