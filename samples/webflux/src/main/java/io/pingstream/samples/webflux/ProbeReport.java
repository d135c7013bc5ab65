package io.pingstream.samples.webflux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code /probe} scrape measured, written as blackbox_exporter's ICMP prober writes it
 * (the same metric names, so its dashboards and alerts work unchanged), in the Prometheus text
 * format. Durations are in seconds; a phase that did not happen is 0, as there.
 *
 * @param success whether the target answered the probe
 * @param durationSeconds the whole probe: lookup, send and wait
 * @param lookupSeconds the name lookup (0 for an address literal, near enough)
 * @param setupSeconds the engine's own time: the probe's duration less the lookup and the RTT
 * @param rttSeconds the round trip, as the engine measured it (kernel timestamps where it can)
 * @param address the address probed, if the lookup found one
 * @param replyHopLimit the reply's TTL or hop limit, when there was a reply that carried one
 * @param failure why the probe failed, written as a comment line (which Prometheus skips), or
 *     null
 */
record ProbeReport(
    boolean success,
    double durationSeconds,
    double lookupSeconds,
    double setupSeconds,
    double rttSeconds,
    @Nullable InetAddress address,
    OptionalInt replyHopLimit,
    @Nullable String failure) {

  /** The content type of {@link #toText()}: the Prometheus text exposition format 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The report in the Prometheus text format, one gauge per metric, sorted by name. */
  String toText() {
    var text = new StringBuilder(1024);
    if (failure != null) {
      text.append("# probe failed: ").append(failure.replaceAll("[\\r\\n]+", " ")).append('\n');
    }
    gauge(text, "probe_dns_lookup_time_seconds", "Time taken by the name lookup, in seconds", lookupSeconds);
    gauge(text, "probe_duration_seconds", "How long the probe took to complete, in seconds", durationSeconds);
    header(text, "probe_icmp_duration_seconds", "Duration of the ICMP probe by phase, in seconds");
    // As blackbox_exporter: the phase counts a lookup that found an address; the lookup's own gauge any.
    sample(text, "probe_icmp_duration_seconds{phase=\"resolve\"}", address == null ? 0 : lookupSeconds);
    sample(text, "probe_icmp_duration_seconds{phase=\"rtt\"}", rttSeconds);
    sample(text, "probe_icmp_duration_seconds{phase=\"setup\"}", setupSeconds);
    if (replyHopLimit.isPresent()) {
      gauge(text, "probe_icmp_reply_hop_limit", "Hop limit (TTL for IPv4) of the reply", replyHopLimit.getAsInt());
    }
    gauge(text, "probe_ip_addr_hash", "FNV-1a hash of the address probed, which changes when the address does",
        address == null ? 0 : addressHash(address));
    gauge(text, "probe_ip_protocol", "IP version of the address probed: 4 or 6", address == null ? 0 : address instanceof Inet4Address ? 4 : 6);
    gauge(text, "probe_success", "Whether the target answered: 1 or 0", success ? 1 : 0);
    return text.toString();
  }

  /**
   * 32-bit FNV-1a of the address's bytes, as blackbox_exporter's current source computes {@code
   * probe_ip_addr_hash} (4 bytes for IPv4, 16 for IPv6). Its older releases hashed an IPv4
   * literal in its 16-byte form: for such a target the value differs from theirs.
   */
  static long addressHash(InetAddress address) {
    int hash = 0x811C9DC5;
    for (byte b : address.getAddress()) {
      hash ^= b & 0xFF;
      hash *= 0x01000193;
    }
    return Integer.toUnsignedLong(hash);
  }

  private static void gauge(StringBuilder text, String name, String help, double value) {
    header(text, name, help);
    sample(text, name, value);
  }

  private static void header(StringBuilder text, String name, String help) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(" gauge\n");
  }

  private static void sample(StringBuilder text, String series, double value) {
    text.append(series).append(' ').append(number(value)).append('\n');
  }

  /**
   * {@code value} as the text format writes it: an integer without a fraction, else 9
   * significant digits without trailing zeros after the decimal point; NaN, +Inf and -Inf.
   */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.valueOf((long) value);
    }
    String text = String.format(Locale.ROOT, "%.9g", value);
    int e = text.indexOf('e');
    String mantissa = e < 0 ? text : text.substring(0, e);
    if (mantissa.indexOf('.') >= 0) { // only zeros after the point are padding: 120000000 has none
      mantissa = mantissa.replaceFirst("\\.?0+$", "");
    }
    return e < 0 ? mantissa : mantissa + text.substring(e);
  }
}
