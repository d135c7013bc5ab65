/* The kernel's limit for a burst: echo requests round-robin over loopback targets 127.1.x.y,
 * as fast as the kernel takes them, at most `window` unanswered; replies drained with
 * recvmmsg(2). Prints replies per second from the first send to the last reply; replies that
 * do not come within 1 s of silence count as lost. Modes:
 *   threads  one thread sends with sendto(2), another receives (Pingstream's shape);
 *   single   one thread: sendto(2) each probe, drain without blocking every 64 sends;
 *   mmsg     one thread: sendmmsg(2) 64 probes per call, then drain.
 *
 * usage: burst [probes=100000] [targets=1000] [window=1000] [rcvbuf=4194304] [mode=threads] */
#include "icmp.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/time.h>

#define BATCH 64

static int fd, probes, targets, window;
static uint16_t id;
static atomic_long received;
static atomic_int done;

static uint8_t in_bufs[BATCH][2048];
static struct mmsghdr in_msgs[BATCH];
static struct iovec in_iov[BATCH];

/* One recvmmsg(2) call; returns how many of our replies it read, -1 on error (errno set). */
static int drain_once(int flags) {
  int n = recvmmsg(fd, in_msgs, BATCH, flags, NULL);
  if (n < 0) return -1;
  int ours = 0;
  for (int i = 0; i < n; i++) {
    uint16_t rid, rseq;
    if (parse_reply(in_bufs[i], (int)in_msgs[i].msg_len, &rid, &rseq) == 0 && rid == id) ours++;
  }
  atomic_fetch_add(&received, ours);
  return ours;
}

static void *receive(void *unused) {
  (void)unused;
  while (atomic_load(&received) < probes) {
    if (drain_once(MSG_WAITFORONE) < 0 && errno != EINTR) break; /* SO_RCVTIMEO: 1 s of silence */
  }
  atomic_store(&done, 1);
  return NULL;
}

static void send_one(int i) {
  uint8_t out[ICMP_LEN];
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = burst_target(i % targets) };
  encode(out, id, (uint16_t)i);
  while (sendto(fd, out, ICMP_LEN, 0, (struct sockaddr *)&to, sizeof to) < 0) {
    if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) { perror("sendto"); exit(1); }
  }
}

/* Sends probes [first, first + n) with one sendmmsg(2) call (or more if the kernel took fewer). */
static void send_batch(int first, int n) {
  static uint8_t out[BATCH][ICMP_LEN];
  static struct sockaddr_in to[BATCH];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  for (int k = 0; k < n; k++) {
    int i = first + k;
    encode(out[k], id, (uint16_t)i);
    to[k] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = burst_target(i % targets) };
    iov[k] = (struct iovec){ out[k], ICMP_LEN };
    msgs[k] = (struct mmsghdr){ .msg_hdr = { .msg_name = &to[k], .msg_namelen = sizeof to[k], .msg_iov = &iov[k], .msg_iovlen = 1 } };
  }
  for (int sent = 0; sent < n;) {
    int r = sendmmsg(fd, msgs + sent, n - sent, 0);
    if (r < 0) {
      if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) { perror("sendmmsg"); exit(1); }
      continue;
    }
    sent += r;
  }
}

/* Drains until at most `limit` probes are unanswered; false after 1 s of silence. */
static int drain_to(int sent, int limit) {
  while (sent - atomic_load(&received) > limit) {
    if (drain_once(MSG_WAITFORONE) < 0 && errno != EINTR) return 0;
  }
  while (drain_once(MSG_DONTWAIT) > 0) {
  }
  return 1;
}

int main(int argc, char **argv) {
  probes = argc > 1 ? atoi(argv[1]) : 100000;
  targets = argc > 2 ? atoi(argv[2]) : 1000;
  window = argc > 3 ? atoi(argv[3]) : 1000;
  int rcvbuf = argc > 4 ? atoi(argv[4]) : 4 << 20;
  const char *mode = argc > 5 ? argv[5] : "threads";
  int threads = !strcmp(mode, "threads"), mmsg = !strcmp(mode, "mmsg");
  if (probes <= 0 || targets <= 0 || targets > 62500 || window < BATCH || (!threads && !mmsg && strcmp(mode, "single"))) {
    fprintf(stderr, "usage: burst [probes] [targets<=62500] [window>=64] [rcvbuf] [threads|single|mmsg]\n");
    return 2;
  }
  fd = open_raw(rcvbuf);
  struct timeval tv = { .tv_sec = 1 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  id = (uint16_t)getpid();
  for (int i = 0; i < BATCH; i++) {
    in_iov[i] = (struct iovec){ in_bufs[i], sizeof in_bufs[i] };
    in_msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &in_iov[i], .msg_iovlen = 1 } };
  }
  uint64_t start = now_ns();
  if (threads) {
    pthread_t receiver;
    pthread_create(&receiver, NULL, receive, NULL);
    for (int i = 0; i < probes && !atomic_load(&done); i++) {
      while (i - atomic_load(&received) >= window && !atomic_load(&done)) {
        /* spin: the window is full */
      }
      send_one(i);
    }
    pthread_join(receiver, NULL);
  } else {
    int ok = 1;
    for (int i = 0; i < probes && ok; i += BATCH) {
      int n = probes - i < BATCH ? probes - i : BATCH;
      ok = drain_to(i, window - n);
      if (!ok) break;
      if (mmsg) {
        send_batch(i, n);
      } else {
        for (int k = 0; k < n; k++) send_one(i + k);
      }
    }
    if (ok) drain_to(probes, 0);
  }
  double seconds = (now_ns() - start) / 1e9;
  long got = atomic_load(&received);
  if (got < probes) seconds -= 1.0; /* the receiver waited 1 s of silence */
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  double cpu = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  printf("RESULT scenario=burst tool=c-burst-%s probes=%d targets=%d window=%d rcvbuf=%d replies=%ld loss=%ld wall_s=%.3f rate=%.0f cpu_us_per_probe=%.2f\n",
         mode, probes, targets, window, rcvbuf, got, probes - got, seconds, got / seconds, cpu * 1e6 / probes);
  return 0;
}
