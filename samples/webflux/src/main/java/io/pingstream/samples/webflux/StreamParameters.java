package io.pingstream.samples.webflux;

import io.pingstream.reactor.StreamOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/**
 * Turns the query parameters of {@code /ping/{host}/stream} into {@link StreamOptions}, or an
 * {@link InvalidParameterException} that names the bad parameter.
 */
final class StreamParameters {

  private StreamParameters() {}

  /**
   * The options for {@code ?interval=..&count=..}.
   *
   * @param interval a duration as Boot reads them: {@code 500ms}, {@code 1s}, {@code PT2S}, or
   *     a bare number of milliseconds
   * @param count how many results, or null for until the client goes away
   * @param minInterval the shortest interval allowed
   */
  static StreamOptions parse(String interval, @Nullable Long count, Duration minInterval) {
    Duration every = duration(interval);
    if (every.compareTo(minInterval) < 0) {
      throw new InvalidParameterException("interval", interval, "interval must be at least " + DurationStyle.SIMPLE.print(minInterval) + ", was " + interval);
    }
    StreamOptions options = apply("interval", interval, () -> StreamOptions.every(every));
    return count == null ? options : apply("count", count.toString(), () -> options.count(count));
  }

  private static Duration duration(String interval) {
    try {
      return DurationStyle.detectAndParse(interval);
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException("interval", interval, "interval must be a duration such as 500ms or 2s, was \"" + interval + "\"");
    }
  }

  /** StreamOptions checks ranges itself; its message already names the option and the range. */
  private static StreamOptions apply(String parameter, String value, java.util.function.Supplier<StreamOptions> options) {
    try {
      return options.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException(parameter, value, e.getMessage());
    }
  }
}
