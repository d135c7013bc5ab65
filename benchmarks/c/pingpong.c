/* The kernel's limit for one probe at a time: a RAW ICMP ping-pong on 127.0.0.1. Sends an echo
 * request, waits for its reply, repeats; prints round trips per second and the p50/p99 of the
 * user-space round trip (before sendto to the reply in hand). Modes:
 *   single   the sending thread blocks in recv(2) itself: the kernel's limit;
 *   threads  a receive thread blocks in recv(2) and hands each reply to the sender, which spins
 *            briefly and then waits on a condition variable (as CompletableFuture.join spins, then
 *            parks): the same kernel work plus one thread hand-off, the shape of an engine with
 *            one receive thread.
 *
 * usage: pingpong [count=20000] [warmup=1000] [mode=single] */
#include "icmp.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/time.h>

#define SPINS 2000

static int fd;
static uint16_t id;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t answered = PTHREAD_COND_INITIALIZER;
static atomic_int last_seq = -1;  /* sequence of the last reply; -2: receiver gave up */

/* Blocks until a reply with our identifier arrives; its sequence, or -1 after 1 s of silence. */
static int receive_reply(void) {
  uint8_t in[2048];
  for (;;) {
    ssize_t got = recv(fd, in, sizeof in, 0);
    if (got < 0) return -1;
    uint16_t rid, rseq;
    if (parse_reply(in, (int)got, &rid, &rseq) == 0 && rid == id) return rseq;
  }
}

static void *receiver(void *unused) {
  (void)unused;
  for (;;) {
    int seq = receive_reply();
    atomic_store(&last_seq, seq < 0 ? -2 : seq);
    pthread_mutex_lock(&lock);
    pthread_cond_signal(&answered);
    pthread_mutex_unlock(&lock);
    if (seq < 0) return NULL;
  }
}

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 20000;
  int warmup = argc > 2 ? atoi(argv[2]) : 1000;
  const char *mode = argc > 3 ? argv[3] : "single";
  int threads = !strcmp(mode, "threads");
  if (count <= 0 || warmup < 0 || (!threads && strcmp(mode, "single"))) {
    fprintf(stderr, "usage: pingpong [count] [warmup] [single|threads]\n");
    return 2;
  }
  fd = open_raw(0);
  struct timeval tv = { .tv_sec = 1 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  id = (uint16_t)getpid();
  pthread_t thread;
  if (threads) pthread_create(&thread, NULL, receiver, NULL);
  uint8_t out[ICMP_LEN];
  uint64_t *rtt = malloc(sizeof(uint64_t) * count);
  int lost = 0, n = 0;
  uint64_t start = 0;
  for (int i = 0; i < warmup + count; i++) {
    if (i == warmup) start = now_ns();
    uint16_t seq = (uint16_t)i;
    uint64_t t0 = now_ns();
    encode(out, id, seq);
    if (sendto(fd, out, ICMP_LEN, 0, (struct sockaddr *)&to, sizeof to) < 0) { perror("sendto"); return 1; }
    int ok;
    if (threads) {
      for (int spin = 0; spin < SPINS && atomic_load(&last_seq) != seq && atomic_load(&last_seq) != -2; spin++) {
        __builtin_ia32_pause();
      }
      pthread_mutex_lock(&lock);
      while (atomic_load(&last_seq) != seq && atomic_load(&last_seq) != -2) pthread_cond_wait(&answered, &lock);
      ok = atomic_load(&last_seq) == seq;
      pthread_mutex_unlock(&lock);
    } else {
      int got;
      while ((got = receive_reply()) >= 0 && got != seq) {
      }
      ok = got == seq;
    }
    if (!ok) { lost += count - n; break; }
    if (i >= warmup) rtt[n++] = now_ns() - t0;
  }
  double seconds = (now_ns() - start) / 1e9;
  qsort(rtt, n, sizeof *rtt, cmp_u64);
  printf("RESULT scenario=latency tool=c-pingpong-%s probes=%d replies=%d loss=%d wall_s=%.3f rate=%.0f p50_us=%.1f p99_us=%.1f\n",
         mode, count, n, lost, seconds, n / seconds, n ? rtt[n / 2] / 1e3 : -1, n ? rtt[(int)(n * 0.99)] / 1e3 : -1);
  return 0;
}
