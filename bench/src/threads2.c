/* Two-thread benchmark: two worker threads each run a CRC-32 and sieve loop over their own
 * buffer, and add their results under a mutex every round, so the run has real thread
 * switches and futex traffic without depending on the interleaving for its output.
 * Under qemu-riscv64 the threads run on two host threads; under tbscope in one JS thread. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ROUNDS 40
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t total;

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
    for (int j = 2 * i; j < n; j += i) flags[j] = 0;
  }
  return count;
}

static void *worker(void *arg) {
  static __thread uint8_t buf[1 << 15];
  uint32_t seed = (uint32_t)(uintptr_t)arg;
  for (int r = 0; r < ROUNDS; r++) {
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 31 + seed + r);
    uint32_t c = crc32(buf, 8192, seed);
    int primes = sieve(buf, sizeof buf);
    pthread_mutex_lock(&lock);
    total += c + (uint64_t)primes;
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

int main(void) {
  pthread_t t[2];
  for (uintptr_t i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, (void *)(i + 1));
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  printf("threads2 total %llu\n", (unsigned long long)total);
  return 0;
}
