package io.pingstream;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/** Argument checks whose messages name the option, the value and the allowed range. */
final class Checks {

  static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  private static final byte[] LIMITED_BROADCAST = {-1, -1, -1, -1};

  private Checks() {}

  /** Whether {@code address} is 255.255.255.255, which is no host's. */
  static boolean isLimitedBroadcast(InetAddress address) {
    return address instanceof Inet4Address && Arrays.equals(address.getAddress(), LIMITED_BROADCAST);
  }

  static int inRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
    }
    return value;
  }

  static Duration timeout(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(name + " must be in (0s, " + MAX_TIMEOUT.toSeconds() + "s], was " + value);
    }
    return value;
  }
}
