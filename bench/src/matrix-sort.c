/* Memory-heavy benchmark: a blocked double matrix multiply, memcpy/memmove of large buffers and
 * a qsort of a shuffled array — loads, stores and libc's memory routines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 240, M = 400000 };
static double a[N][N], b[N][N], c[N][N];
static uint32_t arr[M];
static uint8_t src[1 << 20], dst[1 << 20];

static int cmp_u32(const void *x, const void *y) {
  uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
  return (p > q) - (p < q);
}

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) { a[i][j] = (i + 1) * 0.5 + j; b[i][j] = (i - j) * 0.25; }
  for (int i = 0; i < N; i++)
    for (int k = 0; k < N; k++) {
      double aik = a[i][k];
      for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
    }
  double trace = 0;
  for (int i = 0; i < N; i++) trace += c[i][i];

  for (size_t i = 0; i < sizeof src; i++) src[i] = (uint8_t)(i ^ (i >> 9));
  uint64_t sum = 0;
  for (int r = 0; r < 60; r++) {
    memcpy(dst, src, sizeof src);
    memmove(dst + 1, dst, sizeof dst - 1);
    sum += dst[(r * 7919) % sizeof dst];
  }

  uint32_t x = 2463534242u;
  for (int i = 0; i < M; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; arr[i] = x; }
  qsort(arr, M, sizeof arr[0], cmp_u32);
  int sorted = 1;
  for (int i = 1; i < M; i++) sorted &= arr[i - 1] <= arr[i];
  printf("trace=%.3f sum=%llu sorted=%d min=%u max=%u\n", trace, (unsigned long long)sum, sorted, arr[0], arr[M - 1]);
  return 0;
}
