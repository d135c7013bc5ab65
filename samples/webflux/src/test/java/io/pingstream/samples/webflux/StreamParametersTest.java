package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.reactor.StreamOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamParametersTest {

  private static final Duration MIN = Duration.ofMillis(100);

  @Test
  void intervalTakesAUnitAnIsoDurationOrBareMilliseconds() {
    assertThat(StreamParameters.parse("500ms", null, MIN).interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(StreamParameters.parse("2s", null, MIN).interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(StreamParameters.parse("PT1.5S", null, MIN).interval()).isEqualTo(Duration.ofMillis(1500));
    assertThat(StreamParameters.parse("250", null, MIN).interval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void withoutCountTheStreamRunsUntilCancelled() {
    assertThat(StreamParameters.parse("1s", null, MIN).count()).isEmpty();
    assertThat(StreamParameters.parse("1s", 5L, MIN)).isEqualTo(StreamOptions.every(Duration.ofSeconds(1)).count(5));
  }

  @Test
  void badIntervalNamesTheParameterAndValue() {
    assertThatThrownBy(() -> StreamParameters.parse("abc", null, MIN))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
          assertThat(e.parameter()).isEqualTo("interval");
          assertThat(e.value()).isEqualTo("abc");
          assertThat(e).hasMessage("interval must be a duration such as 500ms or 2s, was \"abc\"");
        });
  }

  @Test
  void intervalBelowTheMinimumIsRefused() {
    assertThatThrownBy(() -> StreamParameters.parse("99ms", null, MIN))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("interval must be at least 100ms, was 99ms");
  }

  @Test
  void intervalAboveStreamOptionsRangeKeepsItsMessage() {
    assertThatThrownBy(() -> StreamParameters.parse("2d", null, MIN))
        .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.parameter()).isEqualTo("interval"))
        .hasMessageContaining("interval");
  }

  @Test
  void countBelowOneIsRefused() {
    for (long count : new long[] {0, -1}) {
      assertThatThrownBy(() -> StreamParameters.parse("1s", count, MIN))
          .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
            assertThat(e.parameter()).isEqualTo("count");
            assertThat(e.value()).isEqualTo(Long.toString(count));
          })
          .hasMessageContaining("count must be in [1, ");
    }
  }
}
