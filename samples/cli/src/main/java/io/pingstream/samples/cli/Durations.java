package io.pingstream.samples.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses the durations of the command line: a number with a unit ({@code 500us}, {@code 200ms},
 * {@code 1.5s}, {@code 2m}), or a bare number of milliseconds, as fping takes them ({@code 250},
 * {@code 0.5}). Also formats them back, for the help's defaults.
 */
final class Durations implements ITypeConverter<Duration> {

  static final String SYNTAX = "a number with a unit (ns, us, ms, s, m, h), e.g. 500us, 200ms, 1s, 2m;"
      + " a bare number means milliseconds";

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ns|us|µs|ms|s|m|h)?");

  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  /**
   * The duration {@code text} stands for, rounded to the nanosecond.
   *
   * @throws TypeConversionException when {@code text} is not a non-negative number with an
   *     optional unit; picocli turns it into a usage error that names the option
   */
  static Duration parse(String text) {
    Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new TypeConversionException("'" + text + "' is not a duration: use " + SYNTAX);
    }
    BigDecimal amount = new BigDecimal(matcher.group(1));
    String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
    long nanosPerUnit = switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalStateException("unit " + unit); // the pattern allows no other
    };
    BigDecimal nanos = amount.multiply(BigDecimal.valueOf(nanosPerUnit)).setScale(0, RoundingMode.HALF_UP);
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new TypeConversionException("'" + text + "' is too long a duration");
    }
    return Duration.ofNanos(nanos.longValueExact());
  }

  /** The longest timeout a probe takes. */
  static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  /** {@code timeout} times {@code factor} (at least 1), at most {@link #MAX_TIMEOUT}. */
  static Duration scaledTimeout(Duration timeout, double factor) {
    double nanos = timeout.toNanos() * factor;
    return nanos >= MAX_TIMEOUT.toNanos() ? MAX_TIMEOUT : Duration.ofNanos((long) nanos);
  }

  /** {@code duration} in the shortest exact unit among those {@link #parse} reads: {@code 1s}, {@code 500ms}. */
  static String format(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos == 0) {
      return "0ms";
    }
    if (nanos % 3_600_000_000_000L == 0) {
      return nanos / 3_600_000_000_000L + "h";
    }
    if (nanos % 60_000_000_000L == 0) {
      return nanos / 60_000_000_000L + "m";
    }
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }
}
