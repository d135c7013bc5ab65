package io.pingstream.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this test process may do, to skip tests with a reason instead of failing them. */
public final class Privileges {

  private static final int CAP_NET_RAW = 13;
  private static final int CAP_SYS_ADMIN = 21;

  private Privileges() {}

  /** Whether the process can open RAW sockets. */
  public static boolean hasNetRaw() {
    return (effectiveCapabilities() & (1L << CAP_NET_RAW)) != 0;
  }

  /** Whether the process can make and enter network namespaces. */
  public static boolean hasSysAdmin() {
    return (effectiveCapabilities() & (1L << CAP_SYS_ADMIN)) != 0;
  }

  /** Why RAW sockets cannot be opened here, or null when they can. */
  public static String rawUnavailableReason() {
    return hasNetRaw() ? null : "RAW ICMP sockets need CAP_NET_RAW, which this process lacks (run the suite as root)";
  }

  /** The CapEff mask of this process, 0 when unreadable. */
  static long effectiveCapabilities() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
