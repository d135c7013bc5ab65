package io.pingstream.samples.cli;

import io.pingstream.AddressText;
import io.pingstream.ErrorKind;
import io.pingstream.IcmpErrorException;
import io.pingstream.NativeIoException;
import io.pingstream.PingResult;
import io.pingstream.TimestampSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;

/** Synthetic results for the pure tests. */
final class Results {

  static final InetAddress LOOPBACK = address("127.0.0.1");
  static final InetAddress LOOPBACK6 = address("::1");
  private static final Instant SENT = Instant.parse("2025-01-01T00:00:00Z");

  private Results() {}

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static PingResult reply(InetAddress target, int sequence, long rttMicros) {
    return reply(target, sequence, rttMicros, 64);
  }

  static PingResult reply(InetAddress target, int sequence, long rttMicros, int bytes) {
    return PingResult.reply(target, sequence, SENT, Duration.ofNanos(rttMicros * 1000), bytes, 64, TimestampSource.KERNEL);
  }

  static PingResult duplicate(InetAddress target, int sequence, long rttMicros) {
    return PingResult.duplicate(target, sequence, SENT, Duration.ofNanos(rttMicros * 1000), 64, 64, TimestampSource.KERNEL);
  }

  static PingResult timeout(InetAddress target, int sequence) {
    return PingResult.timeout(target, sequence, SENT);
  }

  static PingResult hostUnreachable(InetAddress target, int sequence, String router) {
    return PingResult.error(target, sequence, SENT,
        new IcmpErrorException(ErrorKind.DESTINATION_UNREACHABLE, 3, 1, address(router)));
  }

  static PingResult noRoute(InetAddress target, int sequence) {
    return PingResult.error(target, sequence, SENT,
        new NativeIoException("sendto", 113, "EHOSTUNREACH", "No route to host", AddressText.of(target)));
  }
}
