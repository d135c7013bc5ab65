/* Shared helpers of the C reference loops: a RAW ICMP socket that sees only echo replies,
 * echo request encoding, a monotonic clock. Loopback only: callers pass 127.0.0.0/8 targets. */
#ifndef ICMP_H
#define _GNU_SOURCE
#define ICMP_H

#include <arpa/inet.h>
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ICMP message length of a 64-byte IPv4 packet, as Pingstream sends by default. */
#define ICMP_LEN 44

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static inline uint16_t checksum(const uint8_t *p, int len) {
  uint32_t sum = 0;
  for (int i = 0; i + 1 < len; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (len & 1) sum += (uint32_t)p[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Writes an echo request with identifier id and sequence seq into p (ICMP_LEN bytes). */
static inline void encode(uint8_t *p, uint16_t id, uint16_t seq) {
  memset(p, 0, ICMP_LEN);
  p[0] = ICMP_ECHO;
  p[4] = id >> 8; p[5] = id & 0xFF;
  p[6] = seq >> 8; p[7] = seq & 0xFF;
  for (int i = 24; i < ICMP_LEN; i++) p[i] = (uint8_t)i;
  uint16_t c = checksum(p, ICMP_LEN);
  p[2] = c >> 8; p[3] = c & 0xFF;
}

/* A RAW ICMP socket that receives only echo replies, with the given receive buffer (0: default). */
static inline int open_raw(int rcvbuf) {
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (fd < 0) { perror("socket(SOCK_RAW)"); exit(2); }
  struct icmp_filter filter = { .data = ~(1u << ICMP_ECHOREPLY) };
  if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) < 0) { perror("ICMP_FILTER"); exit(2); }
  if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0) {
    perror("SO_RCVBUFFORCE"); exit(2);
  }
  return fd;
}

/* Identifier and sequence of the echo reply in a RAW IPv4 datagram; -1 if it is not one. */
static inline int parse_reply(const uint8_t *d, int n, uint16_t *id, uint16_t *seq) {
  if (n < 20) return -1;
  int hl = (d[0] & 0x0F) * 4;
  if (n < hl + 8 || d[hl] != ICMP_ECHOREPLY) return -1;
  *id = (uint16_t)(d[hl + 4] << 8 | d[hl + 5]);
  *seq = (uint16_t)(d[hl + 6] << 8 | d[hl + 7]);
  return 0;
}

/* 127.1.x.y for target i of a burst, as the Java scenarios number them. */
static inline uint32_t burst_target(int i) {
  return htonl((127u << 24) | (1u << 16) | ((1u + i / 250) << 8) | (1u + i % 250));
}

static inline int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

#endif
