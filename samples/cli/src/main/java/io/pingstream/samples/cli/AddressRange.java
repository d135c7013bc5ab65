package io.pingstream.samples.cli;

import io.pingstream.AddressText;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The targets of {@code -g}, as fping generates them: the addresses of a CIDR block, or from a
 * first to a last address. Like fping, an IPv4 block of /30 or larger leaves out its network and
 * broadcast addresses; unlike fping, IPv6 works too (every address of the block).
 */
final class AddressRange {

  /** The most addresses one {@code -g} makes: a /15 of IPv4, a /111 of IPv6. */
  static final int MAX_ADDRESSES = 131_072;

  private AddressRange() {}

  /**
   * The addresses that {@code arguments} describe: one CIDR block ({@code 127.1.0.0/24}) or a
   * first and last address ({@code 127.1.0.1 127.1.0.254}, both included), as inet_ntop writes
   * them.
   *
   * @throws IllegalArgumentException naming what is wrong with the arguments
   */
  static List<String> expand(List<String> arguments) {
    if (arguments.size() == 1 && arguments.get(0).contains("/")) {
      return block(arguments.get(0));
    }
    if (arguments.size() == 2) {
      return between(address(arguments.get(0)), address(arguments.get(1)));
    }
    throw new IllegalArgumentException(
        "takes one CIDR block (127.1.0.0/24) or a first and a last address (127.1.0.1 127.1.0.254), not " + String.join(" ", arguments));
  }

  private static List<String> block(String cidr) {
    int slash = cidr.lastIndexOf('/');
    InetAddress address = address(cidr.substring(0, slash));
    int bits = address.getAddress().length * 8;
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 1 || prefix > bits) {
      throw new IllegalArgumentException(cidr + ": the prefix length must be from 1 to " + bits);
    }
    BigInteger size = BigInteger.ONE.shiftLeft(bits - prefix);
    BigInteger first = number(address).shiftRight(bits - prefix).shiftLeft(bits - prefix); // host bits cleared, as fping
    BigInteger last = first.add(size).subtract(BigInteger.ONE);
    if (address instanceof Inet4Address && prefix <= 30) { // the network and broadcast addresses
      first = first.add(BigInteger.ONE);
      last = last.subtract(BigInteger.ONE);
    }
    return list(cidr, first, last, bits);
  }

  private static List<String> between(InetAddress first, InetAddress last) {
    int bits = first.getAddress().length * 8;
    if (last.getAddress().length * 8 != bits) {
      throw new IllegalArgumentException(text(first) + " and " + text(last) + " are of different families");
    }
    if (number(first).compareTo(number(last)) > 0) {
      throw new IllegalArgumentException("the first address " + text(first) + " comes after the last " + text(last));
    }
    return list(text(first) + " to " + text(last), number(first), number(last), bits);
  }

  private static List<String> list(String described, BigInteger first, BigInteger last, int bits) {
    BigInteger count = last.subtract(first).add(BigInteger.ONE);
    if (count.compareTo(BigInteger.valueOf(MAX_ADDRESSES)) > 0) {
      throw new IllegalArgumentException(described + " has " + count + " addresses; -g makes at most " + MAX_ADDRESSES);
    }
    List<String> addresses = new ArrayList<>(count.intValue());
    for (BigInteger n = first; n.compareTo(last) <= 0; n = n.add(BigInteger.ONE)) {
      addresses.add(text(address(n, bits / 8)));
    }
    return addresses;
  }

  /** An IP address literal, never a name: -g makes no lookups. */
  private static InetAddress address(String literal) {
    if (literal.contains("%")) {
      throw new IllegalArgumentException(literal + ": -g takes no zone (%interface)");
    }
    InetAddress address;
    try {
      address = new PingstreamCli.IpLiteral().convert(literal);
    } catch (Exception e) {
      throw new IllegalArgumentException("'" + literal + "' is not an IP address (-g takes no names)");
    }
    // The JDK turns an IPv4-mapped IPv6 literal (::ffff:127.1.0.0) into the IPv4 address; as
    // written it is IPv6 (inet_pton, fping), so ::ffff:127.1.0.0/120 is 256 IPv6 addresses, not
    // a prefix beyond 32 bits, and ::ffff:127.1.0.0/30 is no IPv4 /30.
    if (literal.contains(":") && address instanceof Inet4Address) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
      try {
        return Inet6Address.getByAddress(null, mapped, -1);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // 16 bytes
      }
    }
    return address;
  }

  private static BigInteger number(InetAddress address) {
    return new BigInteger(1, address.getAddress());
  }

  private static InetAddress address(BigInteger number, int length) {
    byte[] magnitude = number.toByteArray(); // big-endian, maybe with a leading sign byte or shorter
    byte[] bytes = new byte[length];
    int copied = Math.min(length, magnitude.length);
    System.arraycopy(magnitude, magnitude.length - copied, bytes, length - copied, copied);
    try {
      // Inet6Address.getByAddress keeps ::ffff:a.b.c.d as IPv6, where InetAddress.getByAddress
      // would make it IPv4 and so write it without its ::ffff: prefix.
      return length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes
    }
  }

  private static String text(InetAddress address) {
    return AddressText.of(address);
  }
}
