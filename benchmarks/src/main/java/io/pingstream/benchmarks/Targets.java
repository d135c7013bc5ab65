package io.pingstream.benchmarks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Loopback targets for the scenarios: every 127.0.0.0/8 address answers on Linux's {@code lo},
 * so many distinct targets need no network. Nothing here can produce another address.
 *
 * <pre>
 * burst(i)  = 127.1.(1 + i / 250).(1 + i % 250)            i &lt; 62,500 (the C loop uses the same)
 * scale(i)  = 127.(10 + i / 62,500).(1 + i / 250 % 250).(1 + i % 250)   i &lt; 62,500 * 100
 * </pre>
 */
public final class Targets {

  /** The largest count {@link #burst} can number. */
  public static final int MAX_BURST = 250 * 250;
  /** The largest count {@link #scale} can number. */
  public static final int MAX_SCALE = 100 * MAX_BURST;

  private Targets() {}

  /** {@code count} targets 127.1.x.y. */
  public static InetAddress[] burst(int count) {
    check(count, MAX_BURST);
    var targets = new InetAddress[count];
    for (int i = 0; i < count; i++) {
      targets[i] = loopback(1, 1 + i / 250, 1 + i % 250);
    }
    return targets;
  }

  /** {@code count} distinct targets 127.10.x.y onwards. */
  public static InetAddress[] scale(int count) {
    check(count, MAX_SCALE);
    var targets = new InetAddress[count];
    for (int i = 0; i < count; i++) {
      targets[i] = loopback(10 + i / MAX_BURST, 1 + i / 250 % 250, 1 + i % 250);
    }
    return targets;
  }

  private static void check(int count, int max) {
    if (count < 1 || count > max) {
      throw new IllegalArgumentException("target count must be in [1, " + max + "], was " + count);
    }
  }

  private static InetAddress loopback(int b, int c, int d) {
    try {
      InetAddress address = InetAddress.getByAddress(new byte[] {127, (byte) b, (byte) c, (byte) d});
      if (!address.isLoopbackAddress()) {
        throw new IllegalStateException("not a loopback address: " + address); // unreachable
      }
      return address;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // unreachable: four bytes
    }
  }
}
