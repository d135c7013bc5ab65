package io.pingstream;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses as other tools write them: {@code ::1} where the JDK writes {@code
 * 0:0:0:0:0:0:0:1}. Pingstream's messages and the {@code target} tag of its meters use this text,
 * so that it matches what fping, ping and the Prometheus ecosystem show, and what a caller
 * computes here.
 */
public final class AddressText {

  private AddressText() {}

  /**
   * An address as {@code inet_ntop(3)} writes it, and so fping: IPv4 dotted; IPv6 in lowercase
   * hex without leading zeros, the longest run of two or more zero groups as {@code ::} (the first
   * of runs as long), as RFC 5952 has it, and, as glibc, the last 32 bits dotted in an
   * IPv4-compatible ({@code ::1.2.3.4}) or IPv4-mapped ({@code ::ffff:1.2.3.4}) address. A scope
   * is kept as Java writes it: {@code fe80::1%eth0}, {@code fe80::1%2}.
   */
  public static String of(InetAddress address) {
    String java = address.getHostAddress();
    if (!(address instanceof Inet6Address)) {
      return java;
    }
    byte[] bytes = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
    }
    int zeros = -1; // where the longest run of zero groups starts
    int length = 0;
    for (int i = 0; i < 8; i++) {
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > length) {
        zeros = start;
        length = i - start;
      }
    }
    if (length < 2) {
      zeros = -1;
    }
    var text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (zeros >= 0 && i >= zeros && i < zeros + length) {
        if (i == zeros) {
          text.append(':');
        }
        continue;
      }
      if (i > 0) {
        text.append(':');
      }
      if (i == 6 && zeros == 0 && (length == 6 || length == 5 && groups[5] == 0xffff)) {
        text.append(bytes[12] & 0xff).append('.').append(bytes[13] & 0xff).append('.')
            .append(bytes[14] & 0xff).append('.').append(bytes[15] & 0xff);
        break;
      }
      text.append(Integer.toHexString(groups[i]));
    }
    if (zeros >= 0 && zeros + length == 8) {
      text.append(':');
    }
    int scope = java.indexOf('%');
    return scope < 0 ? text.toString() : text + java.substring(scope);
  }
}
