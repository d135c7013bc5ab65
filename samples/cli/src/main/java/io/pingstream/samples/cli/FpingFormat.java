package io.pingstream.samples.cli;

import io.pingstream.AddressText;
import io.pingstream.IcmpErrorException;
import io.pingstream.PingResult;
import java.net.Inet6Address;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The lines fping prints, from a result and its target's tally; pure functions. {@code name}
 * arguments come already padded to the longest target name, as fping pads them.
 *
 * <pre>
 * 127.0.0.1 : [0], 44 bytes, 0.051 ms (0.051 avg, 0% loss)
 * 127.0.0.1 : [1], timed out (0.051 avg, 50% loss)
 * 127.0.0.1 : duplicate for [0], 44 bytes, 0.062 ms
 * ICMP Host Unreachable from 127.0.0.1 for ICMP Echo sent to 127.0.0.7
 * 127.0.0.9: error while sending ping: sendto(..) failed: ENETUNREACH (101) Network is unreachable
 * 127.0.0.1 : xmt/rcv/%loss = 2/1/50%, min/avg/max = 0.051/0.051/0.051, stddev/jitter = 0.000/NaN
 * </pre>
 */
final class FpingFormat {

  private static final List<String> IPV4_UNREACHABLE = List.of(
      "ICMP Network Unreachable",
      "ICMP Host Unreachable",
      "ICMP Protocol Unreachable",
      "ICMP Port Unreachable",
      "ICMP Unreachable (Fragmentation Needed)",
      "ICMP Unreachable (Source Route Failed)",
      "ICMP Unreachable (Destination Network Unknown)",
      "ICMP Unreachable (Destination Host Unknown)",
      "ICMP Unreachable (Source Host Isolated)",
      "ICMP Unreachable (Communication with Network Prohibited)",
      "ICMP Unreachable (Communication with Host Prohibited)",
      "ICMP Unreachable (Network Unreachable For Type Of Service)",
      "ICMP Unreachable (Host Unreachable For Type Of Service)",
      "ICMP Unreachable (Communication Administratively Prohibited)",
      "ICMP Unreachable (Host Precedence Violation)",
      "ICMP Unreachable (Precedence cutoff in effect)");

  private static final List<String> IPV6_UNREACHABLE = List.of(
      "No Route to Destination",
      "Communication with Destination Administratively Prohibited",
      "Beyond Scope of Source Address",
      "Address Unreachable",
      "Port Unreachable",
      "Source Address Failed Ingress/Egress Policy",
      "Reject Route to Destination");

  private FpingFormat() {}

  /**
   * A time in milliseconds with three significant digits, as fping 5 prints it: {@code 0.051},
   * {@code 1.23}, {@code 12.3}, {@code 123}.
   */
  static String millis(double nanos) {
    double ms = nanos / 1e6;
    String pattern;
    if (ms < 0) {
      pattern = "%.2g";
    } else if (ms < 1) {
      pattern = "%.3f";
    } else if (ms < 10) {
      pattern = "%.2f";
    } else if (ms < 100) {
      pattern = "%.1f";
    } else if (ms < 1_000_000) {
      pattern = "%.0f";
    } else {
      pattern = "%.3e";
    }
    return String.format(Locale.ROOT, pattern, ms);
  }

  /** {@code name} padded with spaces to {@code width}, as fping's {@code %-*s}. */
  static String pad(String name, int width) {
    return name.length() >= width ? name : name + " ".repeat(width - name.length());
  }

  /** The line of a reply; {@code tally} already counts it. */
  static String reply(String name, long index, PingResult reply, TargetTally tally) {
    return name + " : [" + index + "], " + reply.bytes() + " bytes, " + millis(reply.rttNanos()) + " ms"
        + running(tally);
  }

  /** The line of a timeout; {@code tally} already counts it. */
  static String timeout(String name, long index, TargetTally tally) {
    return name + " : [" + index + "], timed out" + running(tally);
  }

  private static String running(TargetTally tally) {
    OptionalLong avg = tally.avg();
    return " (" + (avg.isPresent() ? millis(avg.getAsLong()) : "NaN") + " avg, " + tally.lossPercent() + "% loss)";
  }

  /** The line of a further reply to probe {@code index}. */
  static String duplicate(String name, long index, PingResult duplicate) {
    return name + " : duplicate for [" + index + "], " + duplicate.bytes() + " bytes, " + millis(duplicate.rttNanos()) + " ms";
  }

  /**
   * The line of a probe that ended in an error: fping's {@code ICMP Host Unreachable from
   * ROUTER for ICMP Echo sent to NAME}, or {@code NAME: error while sending ping: WHY}.
   */
  static String error(String name, PingResult result) {
    Throwable cause = result.error().orElse(null);
    if (cause instanceof IcmpErrorException icmp) {
      return icmpError(icmp, result.target() instanceof Inet6Address) + " from " + AddressText.of(icmp.reporter())
          + " for ICMP Echo sent to " + name;
    }
    return name + ": error while sending ping: " + (cause == null ? result.outcome().toString() : cause.getMessage());
  }

  /** fping's name of an ICMP error, e.g. {@code ICMP Host Unreachable}. */
  static String icmpError(IcmpErrorException error, boolean ipv6) {
    int type = error.type();
    int code = error.code();
    if (ipv6) {
      return switch (type) {
        case 1 -> "ICMPv6 Destination Unreachable"
            + (code < IPV6_UNREACHABLE.size() ? " (" + IPV6_UNREACHABLE.get(code) + ")" : " (code " + code + ")");
        case 2 -> "ICMPv6 Packet Too Big";
        case 3 -> "ICMPv6 Time Exceeded";
        case 4 -> "ICMPv6 Parameter Problem";
        default -> "ICMPv6 type " + type + " code " + code;
      };
    }
    return switch (type) {
      case 3 -> code < IPV4_UNREACHABLE.size() ? IPV4_UNREACHABLE.get(code) : "ICMP Unreachable (code " + code + ")";
      case 11 -> "ICMP Time Exceeded";
      case 12 -> "ICMP Parameter Problem";
      default -> "ICMP type " + type + " code " + code;
    };
  }

  /**
   * fping's summary line, extended: {@code NAME : xmt/rcv/%loss = 5/5/0%, min/avg/max =
   * 0.040/0.050/0.070, stddev/jitter = 0.010/0.012}. The part up to the max is fping's, byte for
   * byte, so that what parses fping's summary parses this one; without replies the line ends
   * after the loss, as fping's does.
   */
  static String summary(String name, TargetTally tally) {
    var line = new StringBuilder(name).append(" : xmt/rcv/%loss = ")
        .append(tally.sent()).append('/').append(tally.received()).append('/').append(tally.lossPercent()).append('%');
    if (tally.received() > 0) {
      line.append(", min/avg/max = ").append(millis(tally.min().getAsLong())).append('/')
          .append(millis(tally.avg().getAsLong())).append('/').append(millis(tally.max().getAsLong()))
          .append(", stddev/jitter = ").append(millis(tally.stddev().getAsDouble())).append('/').append(orNaN(tally.jitter()));
    }
    return line.toString();
  }

  private static String orNaN(OptionalDouble nanos) {
    return nanos.isPresent() ? millis(nanos.getAsDouble()) : "NaN";
  }

  /** {@code [1795794013.72692]}: seconds since the epoch to 10 us, as fping's {@code -D}. */
  static String timestamp(Instant time) {
    return String.format(Locale.ROOT, "[%d.%05d]", time.getEpochSecond(), time.getNano() / 10_000);
  }

  /** The line of a target that answered, without {@code -c}. */
  static String alive(String name) {
    return name + " is alive";
  }

  /** The line of a target that did not answer, without {@code -c}. */
  static String unreachable(String name) {
    return name + " is unreachable";
  }

  /** fping {@code -x}'s verdict: {@code Enough hosts reachable (required: 2, reachable: 3)}. */
  static String reachable(int required, long answered) {
    return (answered >= required ? "Enough" : "Not enough") + " hosts reachable (required: " + required + ", reachable: " + answered + ")";
  }
}
