package io.pingstream.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "500us, 500000",
      "500µs, 500000",
      "200ms, 200000000",
      "1s, 1000000000",
      "1.5s, 1500000000",
      "2m, 120000000000",
      "1h, 3600000000000",
      "750ns, 750",
      "' 3 s ', 3000000000",
      "10MS, 10000000"})
  void readsANumberWithAUnit(String text, long nanos) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @CsvSource({"250, 250000000", "0.5, 500000", ".25, 250000", "1000, 1000000000"})
  void readsABareNumberAsMillisecondsAsFpingDoes(String text, long nanos) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ms", "5x", "-1s", "1 s s", "1e3", "one second", "1,5s", "PT1S"})
  void refusesWhatIsNotADurationAndSaysHowToWriteOne(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'" + text + "' is not a duration")
        .hasMessageContaining("500us, 200ms, 1s")
        .hasMessageContaining("a bare number means milliseconds");
  }

  @Test
  void refusesDurationsBeyondWhatALongHolds() {
    assertThatThrownBy(() -> Durations.parse("9999999999h")).isInstanceOf(TypeConversionException.class);
  }

  @Test
  void formatsInTheLargestExactUnit() {
    assertThat(Durations.format(Duration.ofSeconds(1))).isEqualTo("1s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(Durations.format(Duration.ofNanos(500_000))).isEqualTo("500us");
    assertThat(Durations.format(Duration.ofNanos(7))).isEqualTo("7ns");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
  }

  @Test
  void aRetrysTimeoutGrowsByTheFactorUpToAnHour() {
    assertThat(Durations.scaledTimeout(Duration.ofMillis(200), 1)).isEqualTo(Duration.ofMillis(200));
    assertThat(Durations.scaledTimeout(Duration.ofMillis(200), Math.pow(1.5, 2))).isEqualTo(Duration.ofMillis(450));
    assertThat(Durations.scaledTimeout(Duration.ofMinutes(30), Math.pow(5, 20))).isEqualTo(Duration.ofHours(1));
  }
}
