// Candidate references for the machine's speed, for scripts/speed_reference_candidates.py.
//
// One thread per CPU, pinned, every 10 ms times three fixed pieces of work on its own thread
// CPU clock: "reg", the register-only chain tracebench's own probe runs
// (harness/target/cpu_speed_probe.cpp); "l2", a dependent pointer chase through 256 KiB; and
// "dram", the same through 64 MiB (past the last-level cache a guest can count on); and "sys",
// 16 round trips of 64 bytes through a pipe of the thread's own (kernel work, as the target's
// network calls are). Each line
// read on stdin ends a window: the program prints, per kind, the mean over CPUs of each CPU's
// median ns since the previous line, and starts the next window. EOF ends it.
//
//   cc -O2 -pthread -o speed_probes speed_probes.c
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { KINDS = 4, MAX_CPUS = 64, MAX_SAMPLES = 4096, CHASE_STEPS = 256 };
static const char* kKindNames[KINDS] = {"reg", "l2", "dram", "sys"};
static const size_t kChaseBytes[KINDS] = {0, 256 << 10, 64 << 20, 0};

struct slot {
  int cpu;
  pthread_t thread;
  pthread_mutex_t lock;
  double samples[KINDS][MAX_SAMPLES];
  int n[KINDS];
  uint32_t* ring[KINDS];  // a random cycle through the buffer, one index per cache line
  uint32_t pos[KINDS];
  int pipe_fd[2];
};

static struct slot slots[MAX_CPUS];
static int n_slots;
static atomic_int running = 1;

static int64_t thread_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static volatile uint64_t sink;

static void reg_work(void) {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 8192; ++i) {
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 31;
  }
  sink = x;
}

static void chase_work(struct slot* s, int k) {
  uint32_t p = s->pos[k];
  const uint32_t* r = s->ring[k];
  for (int i = 0; i < CHASE_STEPS; ++i) p = r[p];
  s->pos[k] = p;
}

// A single random cycle over the buffer's cache lines (16 uint32 per 64-byte line), so every
// step is a dependent load to a line the prefetcher cannot guess.
static void sys_work(struct slot* s) {
  char buf[64] = {0};
  for (int i = 0; i < 16; ++i) {
    if (write(s->pipe_fd[1], buf, sizeof buf) != (ssize_t)sizeof buf) exit(3);
    if (read(s->pipe_fd[0], buf, sizeof buf) != (ssize_t)sizeof buf) exit(3);
  }
}

static uint32_t* make_ring(size_t bytes, unsigned seed) {
  size_t words = bytes / sizeof(uint32_t), lines = bytes / 64;
  uint32_t* r = aligned_alloc(64, bytes);
  uint32_t* order = malloc(lines * sizeof(uint32_t));
  if (!r || !order) exit(2);
  memset(r, 0, bytes);
  for (size_t i = 0; i < lines; ++i) order[i] = (uint32_t)i;
  for (size_t i = lines - 1; i > 0; --i) {
    size_t j = (size_t)rand_r(&seed) % (i + 1);
    uint32_t t = order[i]; order[i] = order[j]; order[j] = t;
  }
  for (size_t i = 0; i < lines; ++i) r[order[i] * 16] = order[(i + 1) % lines] * 16;
  free(order);
  (void)words;
  return r;
}

static void* loop(void* arg) {
  struct slot* s = arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(s->cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (pipe(s->pipe_fd) != 0) exit(2);
  for (int k = 1; k < 3; ++k) s->ring[k] = make_ring(kChaseBytes[k], 7u + (unsigned)s->cpu * 31u + (unsigned)k);
  while (atomic_load(&running)) {
    for (int k = 0; k < KINDS; ++k) {
      int64_t a = thread_ns();
      if (k == 0) reg_work(); else if (k == 3) sys_work(s); else chase_work(s, k);
      int64_t b = thread_ns();
      pthread_mutex_lock(&s->lock);
      if (s->n[k] < MAX_SAMPLES) s->samples[k][s->n[k]++] = (double)(b - a);
      pthread_mutex_unlock(&s->lock);
    }
    struct timespec p = {0, 10 * 1000 * 1000};
    nanosleep(&p, NULL);
  }
  return NULL;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(void) {
  cpu_set_t allowed;
  sched_getaffinity(0, sizeof allowed, &allowed);
  for (int c = 0; c < CPU_SETSIZE && n_slots < MAX_CPUS; ++c) {
    if (!CPU_ISSET(c, &allowed)) continue;
    slots[n_slots].cpu = c;
    pthread_mutex_init(&slots[n_slots].lock, NULL);
    pthread_create(&slots[n_slots].thread, NULL, loop, &slots[n_slots]);
    ++n_slots;
  }
  char line[64];
  static double buf[MAX_SAMPLES];
  while (fgets(line, sizeof line, stdin)) {
    for (int k = 0; k < KINDS; ++k) {
      double sum = 0;
      int used = 0;
      for (int i = 0; i < n_slots; ++i) {
        struct slot* s = &slots[i];
        pthread_mutex_lock(&s->lock);
        int n = s->n[k];
        memcpy(buf, s->samples[k], (size_t)n * sizeof(double));
        s->n[k] = 0;
        pthread_mutex_unlock(&s->lock);
        if (n < 5) continue;
        qsort(buf, (size_t)n, sizeof(double), cmp);
        sum += buf[n / 2];
        ++used;
      }
      printf("%s=%.1f%s", kKindNames[k], used ? sum / used : -1.0, k + 1 < KINDS ? " " : "\n");
    }
    fflush(stdout);
  }
  atomic_store(&running, 0);
  for (int i = 0; i < n_slots; ++i) pthread_join(slots[i].thread, NULL);
  return 0;
}
