/* hello-static: a statically linked glibc program that exercises printf, malloc, qsort and libm,
 * so a run touches the libc paths most real programs use (stdio buffering, brk/mmap, FP). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  printf("Hello from RISC-V! argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);

  /* A pseudo-random (fixed-seed LCG) array, sorted with qsort. */
  enum { N = 20 };
  int *v = malloc(N * sizeof *v);
  unsigned seed = 12345;
  for (int i = 0; i < N; i++) { seed = seed * 1103515245u + 12345u; v[i] = (int)(seed >> 16) % 1000; }
  qsort(v, N, sizeof *v, cmp_int);
  printf("sorted:");
  for (int i = 0; i < N; i++) printf(" %d", v[i]);
  printf("\n");
  free(v);

  /* libm: results printed with enough digits that a wrong rounding shows. */
  for (int i = 1; i <= 4; i++) {
    double x = i * 0.75;
    printf("sqrt(%.2f)=%.12f sin=%.12f exp=%.9e\n", x, sqrt(x), sin(x), exp(x));
  }
  float f = 1.0f / 3.0f;
  printf("float %.9g double %.17g\n", f, 2.0 / 3.0);

  char *s = strdup("translation blocks");
  printf("%s has %zu chars\n", s, strlen(s));
  free(s);
  return 0;
}
