// LD_PRELOAD malloc counter: counts malloc/calloc/realloc calls (glibc's __libc_* underneath).
// SIGUSR2 appends "<count>\n" to $MALLOC_COUNT_FILE. Deterministic allocations-per-request metric.
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
static atomic_ulong count;
void* malloc(size_t n) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); return __libc_malloc(n); }
void* calloc(size_t a, size_t b) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); return __libc_calloc(a, b); }
void* realloc(void* p, size_t n) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); return __libc_realloc(p, n); }
static char path[512];
static void on_usr2(int sig) {
  (void)sig;
  char buf[32]; int i = sizeof buf; buf[--i] = '\n';
  unsigned long v = atomic_load(&count);
  do { buf[--i] = '0' + v % 10; v /= 10; } while (v);
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd >= 0) { write(fd, buf + i, sizeof buf - i); close(fd); }
}
__attribute__((constructor)) static void init(void) {
  const char* p = getenv("MALLOC_COUNT_FILE");
  if (!p) return;
  strncpy(path, p, sizeof path - 1);
  signal(SIGUSR2, on_usr2);
}
