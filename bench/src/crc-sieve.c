/* Integer benchmark: CRC-32 (bitwise, table-free) over a buffer, a sieve of Eratosthenes and
 * an FNV-1a hash — shifts, xors, compares and tight loops with few memory stalls. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t crc) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
  }
  return ~crc;
}

static int sieve(uint8_t *flags, int n) {
  memset(flags, 1, (size_t)n);
  int count = 0;
  for (int i = 2; i < n; i++) {
    if (!flags[i]) continue;
    count++;
    for (long j = (long)i * i; j < n; j += i) flags[j] = 0;
  }
  return count;
}

static uint64_t fnv1a(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ull; }
  return h;
}

static uint8_t buf[1 << 16];
static uint8_t flags[2000000];

int main(void) {
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 7 + (i >> 8));
  uint32_t crc = 0;
  for (int r = 0; r < 120; r++) crc = crc32(buf, sizeof buf, crc);
  int primes = 0;
  for (int r = 0; r < 25; r++) primes = sieve(flags, (int)sizeof flags);
  uint64_t h = 0;
  for (int r = 0; r < 150; r++) h = h * 31 + fnv1a(buf, sizeof buf) + (uint64_t)r;
  printf("crc=%08x primes=%d fnv=%016llx\n", crc, primes, (unsigned long long)h);
  return 0;
}
