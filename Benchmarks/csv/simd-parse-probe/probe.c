// Probe, not product code: would an SSE4.1/AVX2 number parser beat the Swift one
// (NumberParsing.plainDecimalPrefix, eight-byte words) on float20.csv's fields? Digit masks from
// one 32-byte compare and movemask, the integer and fraction digits right-aligned in 16-byte
// registers and combined with pmaddubsw/pmaddwd/packusdw, Eisel-Lemire as in NumberParsing.
// Checks every field against strtod bit for bit, then times the parse alone.
//
//   python3 Benchmarks/csv/simd-parse-probe/gen_pow5.py
//   gcc -O2 -o /tmp/probe Benchmarks/csv/simd-parse-probe/probe.c
//   taskset -c 0 /tmp/probe float20.csv
//
// 2026-12-07, AMD EPYC (AVX-512 host): 0 of 20,000,000 fields differ from strtod, none declined;
// 23.9-29.3 ns per field, against 21.8 ns for the Swift parser in number-parse-loop (`indep`)
// in the same minute: not faster, so a C kernel needs more than SIMD digit conversion.
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pow5.h"

static const uint64_t P10[20] = {1ULL,10ULL,100ULL,1000ULL,10000ULL,100000ULL,1000000ULL,10000000ULL,100000000ULL,
  1000000000ULL,10000000000ULL,100000000000ULL,1000000000000ULL,10000000000000ULL,100000000000000ULL,
  1000000000000000ULL,10000000000000000ULL,100000000000000000ULL,1000000000000000000ULL,10000000000000000000ULL};

// Eisel-Lemire as in NumberParsing.eiselLemire; returns 0 when undecided (*ok = 0).
static inline double eisel_lemire(uint64_t w, int q, int *ok) {
  *ok = 1;
  if (q < -342) return 0.0;
  if (q > 308) return __builtin_inf();
  int lz = __builtin_clzll(w);
  uint64_t nrm = w << lz;
  int index = 2 * (q + 342);
  unsigned __int128 prod = (unsigned __int128)nrm * POW5[index];
  uint64_t high = (uint64_t)(prod >> 64), low = (uint64_t)prod;
  const uint64_t pm = UINT64_MAX >> 55;
  if ((high & pm) == pm) {
    uint64_t second = (uint64_t)(((unsigned __int128)nrm * POW5[index + 1]) >> 64);
    uint64_t sum = low + second;
    if (sum < low) high++;
    low = sum;
  }
  if (low == UINT64_MAX && (q < -27 || q > 55)) { *ok = 0; return 0; }
  int upper = (int)(high >> 63);
  uint64_t mant = high >> (upper + 9);
  int64_t p2 = ((((int64_t)152170 + 65536) * q) >> 16) + 63 + upper - lz + 1023;
  if (p2 <= 0) { *ok = 0; return 0; } // subnormal: not in this probe
  if (low <= 1 && q >= -4 && q <= 23 && (mant & 3) == 1) {
    if ((mant << (upper + 9)) == high) mant &= ~1ULL;
  }
  mant += mant & 1; mant >>= 1;
  if (mant >= (2ULL << 52)) { mant = 1ULL << 52; p2++; }
  mant &= ~(1ULL << 52);
  if (p2 >= 0x7FF) return __builtin_inf();
  uint64_t bits = ((uint64_t)p2 << 52) | mant; double d; memcpy(&d, &bits, 8); return d;
}

// Value of the 16 bytes at p as digits, after zeroing the first `skip` bytes (0..16).
static const uint8_t SKIPMASK[32] = {0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
  0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff,0xff};
__attribute__((target("sse4.1,ssse3")))
static inline uint64_t sixteen(const uint8_t *p, int skip) {
  __m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)p), _mm_set1_epi8('0'));
  v = _mm_and_si128(v, _mm_loadu_si128((const __m128i *)(SKIPMASK + 16 - skip)));
  __m128i t1 = _mm_maddubs_epi16(v, _mm_setr_epi8(10,1,10,1,10,1,10,1,10,1,10,1,10,1,10,1));
  __m128i t2 = _mm_madd_epi16(t1, _mm_setr_epi16(100,1,100,1,100,1,100,1));
  __m128i t3 = _mm_packus_epi32(t2, t2);
  __m128i t4 = _mm_madd_epi16(t3, _mm_setr_epi16(10000,1,10000,1,10000,1,10000,1));
  uint64_t hi = (uint32_t)_mm_cvtsi128_si32(t4), lo = (uint32_t)_mm_extract_epi32(t4, 1);
  return hi * 100000000ULL + lo;
}

// Parses [-+]?d{1,7}(.d+)?([eE][-+]?d+)? at p (32 + 16 readable bytes, 16 before p too):
// length, or -1 to decline.
__attribute__((target("avx2,sse4.1,ssse3,bmi")))
static inline int parse(const uint8_t *p, double *out) {
  int neg = p[0] == '-';
  int sl = neg | (p[0] == '+');
  const uint8_t *s = p + sl;
  __m256i v = _mm256_loadu_si256((const __m256i *)s);
  __m256i d = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
  uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d));
  uint32_t nd = ~m;
  if (nd == 0) return -1;
  int ip = __builtin_ctz(nd);
  if (ip == 0 || ip > 7) return -1;
  uint64_t w; int fd = 0; int idx = ip; int lead = 0;
  uint64_t I = sixteen(s + ip - 16, 16 - ip);
  if (s[ip] == '.') {
    uint32_t fm = nd >> (ip + 1);
    if (fm == 0) return -1;
    fd = __builtin_ctz(fm);
    if (fd == 0) return -1;
    int e = ip + 1 + fd;
    uint64_t F;
    if (fd <= 16) {
      F = sixteen(s + e - 16, 16 - fd);
    } else {
      if (fd > 24) return -1;
      F = sixteen(s + ip + 1 - (16 - (fd - 16)), 16 - (fd - 16)) * 10000000000000000ULL + sixteen(s + e - 16, 0);
    }
    // significant digits: leading zeros of the whole digit string
    int sig = ip + fd;
    if (I == 0) {
      uint32_t fz = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('0'))) >> (ip + 1);
      lead = ip + (fz ? __builtin_ctz(fz) : 32);
      sig = ip + fd - lead;
    }
    if (sig > 19) return -1;
    w = (I ? I * P10[fd] : 0) + F;
    idx = e;
  } else {
    w = I;
  }
  int q = -fd;
  if ((s[idx] | 0x20) == 'e') {
    idx++;
    int en = s[idx] == '-';
    if (en || s[idx] == '+') idx++;
    int st = idx, x = 0;
    while ((unsigned)(s[idx] - '0') <= 9) { if (x < 100000) x = x * 10 + (s[idx] - '0'); idx++; }
    if (idx == st) return -1;
    q += en ? -x : x;
  }
  double mag = 0.0;
  if (w != 0) { int ok; mag = eisel_lemire(w, q, &ok); if (!ok) return -1; }
  if (__builtin_isinf(mag)) return -1;
  *out = neg ? -mag : mag;
  return sl + idx;
}

int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb"); fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
  uint8_t *raw = malloc(n + 128); uint8_t *buf = raw + 32; fread(buf, 1, n, f); fclose(f);
  memset(raw, '\n', 32); memset(buf + n, '\n', 96);
  long cap = 21000000; long *st = malloc(cap * sizeof(long)), *en = malloc(cap * sizeof(long)); long k = 0;
  long p = 0; while (buf[p] != '\n') p++; p++; long s0 = p;
  for (; p < n; p++) if (buf[p] == ',' || buf[p] == '\n') { st[k] = s0; en[k] = p; k++; s0 = p + 1; }
  long bad = 0, declined = 0; char tmp[64];
  for (long i = 0; i < k; i++) {
    double v; int len = parse(buf + st[i], &v);
    if (len < 0) { declined++; continue; }
    if (len != en[i] - st[i]) { bad++; continue; }
    memcpy(tmp, buf + st[i], len); tmp[len] = 0; double r = strtod(tmp, NULL);
    if (memcmp(&r, &v, 8) != 0) bad++;
  }
  printf("%ld fields, %ld declined, %ld differ from strtod\n", k, declined, bad);
  for (int round = 0; round < 3; round++) {
    struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
    double sum = 0; long dec = 0;
    for (long i = 0; i < k; i++) { double v; if (parse(buf + st[i], &v) >= 0) sum += v; else dec++; }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.1f ns/field (sum %g, %ld declined)\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / k, sum, dec);
  }
  return 0;
}
