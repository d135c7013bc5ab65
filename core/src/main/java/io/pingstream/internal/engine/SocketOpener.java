package io.pingstream.internal.engine;

import io.pingstream.IpFamily;
import io.pingstream.NativeIoException;
import io.pingstream.PingOptions;
import io.pingstream.SocketMode;
import io.pingstream.SocketUnavailableException;
import io.pingstream.SocketUnavailableException.Attempt;
import io.pingstream.internal.jna.LibC;
import java.io.IOException;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a selection policy: tries its socket modes in order, in the configured namespace, and
 * explains in one exception why none opened. Not API.
 */
final class SocketOpener {

  private static final String PING_GROUP_RANGE = "/proc/sys/net/ipv4/ping_group_range";

  private SocketOpener() {}

  static IcmpSocket open(IpFamily family, PingOptions options, int identifier, long signature) throws IOException {
    return NetworkNamespace.call(options.namespace().orElse(null), () -> openHere(family, options, identifier, signature));
  }

  private static IcmpSocket openHere(IpFamily family, PingOptions options, int identifier, long signature) throws IOException {
    List<Attempt> attempts = new ArrayList<>();
    for (SocketMode mode : options.policy().modes()) {
      try {
        return IcmpSocket.open(family, mode, options, identifier, signature);
      } catch (NativeIoException e) {
        if (!"socket".equals(e.method())) {
          throw e; // the mode is allowed but an option is wrong: falling back would hide it
        }
        attempts.add(new Attempt(mode, e));
      }
    }
    throw new SocketUnavailableException(family, attempts, explain(family, options, attempts));
  }

  private static String explain(IpFamily family, PingOptions options, List<Attempt> attempts) {
    var text = new StringBuilder("cannot open an ICMP socket for ").append(family)
        .append(" with policy ").append(options.policy()).append(':');
    for (Attempt attempt : attempts) {
      text.append("\n  ").append(attempt.mode()).append(": ").append(attempt.error().getMessage());
    }
    int gid = LibC.getegid();
    text.append("\nnet.ipv4.ping_group_range is \"").append(readPingGroupRange())
        .append("\" and this process's group id is ").append(gid)
        .append(options.namespace().map(ns -> " (namespace " + ns + ")").orElse(""))
        .append(".\nFix one of:")
        .append("\n  - allow DGRAM ping sockets for the group: sysctl -w net.ipv4.ping_group_range=\"")
        .append(gid).append(' ').append(gid).append("\" (any range that contains ").append(gid)
        .append("), with a policy that tries DGRAM;")
        .append("\n  - grant CAP_NET_RAW (e.g. setcap cap_net_raw+ep on the java binary, or run as root),")
        .append(" with a policy that tries RAW.");
    return text.toString();
  }

  private static String readPingGroupRange() {
    // One large read: sysctl files return nothing to a read that does not start at offset 0,
    // so the small first read of Files.readString would truncate the value.
    try (var in = new FileInputStream(PING_GROUP_RANGE)) {
      byte[] buffer = new byte[128];
      int length = Math.max(0, in.read(buffer));
      return new String(buffer, 0, length, StandardCharsets.US_ASCII).trim().replaceAll("\\s+", " ");
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
