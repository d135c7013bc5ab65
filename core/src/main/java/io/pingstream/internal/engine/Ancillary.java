package io.pingstream.internal.engine;

import io.pingstream.internal.jna.LibC;
import java.nio.ByteBuffer;

/**
 * The control messages of one received datagram, parsed from its cmsg buffer. One instance is
 * reused by the receive loop. Not API.
 *
 * <pre>
 * struct cmsghdr (16 + data): u64 cmsg_len | i32 level | i32 type | data (8-byte aligned)
 * struct sock_extended_err (16): u32 errno | u8 origin | u8 type | u8 code | u8 pad | u32 info | u32 data
 * </pre>
 */
final class Ancillary {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** Kernel software timestamp (CLOCK_REALTIME, ns) of the datagram, or -1. */
  long realtimeNanos;
  /** Received TTL / hop limit, or -1. */
  int ttl;
  /** Datagrams the socket dropped for want of buffer space, since it opened, or -1. */
  long dropped;
  /** sock_extended_err origin, or -1 when the datagram carried none. */
  int errorOrigin;
  int errorErrno;
  int errorType;
  int errorCode;
  int errorData;
  /** Index of the offender's sockaddr in the buffer, or -1. */
  int offender;

  /** Parses the {@code length} bytes of control messages at {@code offset} of {@code structs}. */
  void parse(ByteBuffer structs, int offset, int length) {
    realtimeNanos = -1;
    ttl = -1;
    dropped = -1;
    errorOrigin = -1;
    offender = -1;
    int end = offset + length;
    int at = offset;
    while (at + 16 <= end) {
      int cmsgLength = (int) structs.getLong(at);
      if (cmsgLength < 16 || at + cmsgLength > end) {
        return;
      }
      read(structs, structs.getInt(at + 8), structs.getInt(at + 12), at + 16, cmsgLength - 16);
      at += (cmsgLength + 7) & ~7;
    }
  }

  private void read(ByteBuffer structs, int level, int type, int data, int dataLength) {
    if (level == LibC.SOL_SOCKET) {
      if ((type == LibC.SO_TIMESTAMPING || type == LibC.SO_TIMESTAMPNS) && dataLength >= 16) {
        // scm_timestamping.ts[0] (software) or one timespec: both start with the software stamp.
        long nanos = structs.getLong(data) * NANOS_PER_SECOND + structs.getLong(data + 8);
        if (nanos != 0) {
          realtimeNanos = nanos;
        }
      } else if (type == LibC.SO_RXQ_OVFL && dataLength >= 4) {
        dropped = structs.getInt(data) & 0xFFFFFFFFL;
      }
    } else if ((level == LibC.IPPROTO_IP && type == LibC.IP_TTL) || (level == LibC.IPPROTO_IPV6 && type == LibC.IPV6_HOPLIMIT)) {
      if (dataLength >= 4) {
        ttl = structs.getInt(data);
      }
    } else if ((level == LibC.IPPROTO_IP && type == LibC.IP_RECVERR) || (level == LibC.IPPROTO_IPV6 && type == LibC.IPV6_RECVERR)) {
      if (dataLength >= 16) {
        errorErrno = structs.getInt(data);
        errorOrigin = structs.get(data + 4) & 0xFF;
        errorType = structs.get(data + 5) & 0xFF;
        errorCode = structs.get(data + 6) & 0xFF;
        errorData = structs.getInt(data + 12);
        offender = dataLength >= 16 + 8 ? data + 16 : -1;
      }
    }
  }
}
