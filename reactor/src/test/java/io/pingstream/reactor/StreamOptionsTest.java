package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pingstream.ProbeSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {

  @Test
  void defaultsProbeEverySecondUntilCancelledWithoutLimits() {
    var options = StreamOptions.defaults();
    assertThat(options.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.count()).isEmpty();
    assertThat(options.rateLimit()).isEmpty();
    assertThat(options.maxInFlight()).isEmpty();
    assertThat(options.probeSettings()).isEmpty();
  }

  @Test
  void settersReturnCopiesAndLeaveTheOriginalAlone() {
    var settings = ProbeSettings.defaults().ttl(9);
    var changed = StreamOptions.every(Duration.ofMillis(200)).count(5).rateLimit(100).maxInFlight(50).probeSettings(settings);

    assertThat(changed.interval()).isEqualTo(Duration.ofMillis(200));
    assertThat(changed.count()).hasValue(5);
    assertThat(changed.rateLimit()).hasValue(100);
    assertThat(changed.maxInFlight()).hasValue(50);
    assertThat(changed.probeSettings()).contains(settings);
    assertThat(StreamOptions.defaults().count()).isEmpty();
    assertThat(changed).isEqualTo(StreamOptions.defaults().interval(Duration.ofMillis(200)).count(5).rateLimit(100).maxInFlight(50)
        .probeSettings(settings)).hasSameHashCodeAs(changed);
  }

  @Test
  void refusesOutOfRangeValuesNamingOptionValueAndRange() {
    var options = StreamOptions.defaults();
    assertThatThrownBy(() -> options.interval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be in [PT0.001S, PT24H], was PT0S");
    assertThatThrownBy(() -> StreamOptions.every(Duration.ofSeconds(-1)))
        .hasMessage("interval must be in [PT0.001S, PT24H], was PT-1S");
    assertThatThrownBy(() -> options.count(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count must be in [1, 9223372036854775807], was -1");
    assertThatThrownBy(() -> options.count(0)).hasMessage("count must be in [1, 9223372036854775807], was 0");
    assertThatThrownBy(() -> options.rateLimit(0)).hasMessage("rateLimit must be in [1, 1000000], was 0");
    assertThatThrownBy(() -> options.maxInFlight(-5)).hasMessage("maxInFlight must be in [1, 1000000], was -5");
  }

  @Test
  void refusesNullsNamingTheParameter() {
    assertThatThrownBy(() -> StreamOptions.every(null)).isInstanceOf(NullPointerException.class).hasMessage("interval");
    assertThatThrownBy(() -> StreamOptions.defaults().probeSettings(null)).isInstanceOf(NullPointerException.class).hasMessage("probeSettings");
  }
}
