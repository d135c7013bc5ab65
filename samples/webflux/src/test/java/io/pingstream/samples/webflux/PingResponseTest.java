package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.PingResult;
import io.pingstream.TimestampSource;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PingResponseTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void replyHasItsRttInSecondsAndItsDetails() {
    var result = PingResult.reply(LOOPBACK, 7, Instant.now(), Duration.ofNanos(1_500_000), 44, 63, TimestampSource.KERNEL);

    assertThat(json.writeValueAsString(PingResponse.of("localhost", result))).isEqualTo(
        "{\"host\":\"localhost\",\"address\":\"127.0.0.1\",\"rttSeconds\":0.0015,\"outcome\":\"REPLY\","
            + "\"sequence\":7,\"bytes\":44,\"ttl\":63,\"timestampSource\":\"KERNEL\"}");
  }

  @Test
  void timeoutKeepsANullRttAndLeavesOutWhatItLacks() {
    var result = PingResult.timeout(LOOPBACK, 8, Instant.now());

    assertThat(json.writeValueAsString(PingResponse.of("127.0.0.1", result))).isEqualTo(
        "{\"host\":\"127.0.0.1\",\"address\":\"127.0.0.1\",\"rttSeconds\":null,\"outcome\":\"TIMEOUT\",\"sequence\":8}");
  }

  @Test
  void errorCarriesItsKindAndMessage() {
    var result = PingResult.error(LOOPBACK, 9, Instant.now(), new IOException("sendto failed with error(101): Network is unreachable"));

    PingResponse response = PingResponse.of("127.0.0.1", result);

    assertThat(response.rttSeconds()).isNull();
    assertThat(response.errorKind()).hasToString("SEND_FAILED");
    assertThat(response.error()).isEqualTo("sendto failed with error(101): Network is unreachable");
    assertThat(json.writeValueAsString(response)).contains("\"rttSeconds\":null", "\"errorKind\":\"SEND_FAILED\"");
  }

  @Test
  void errorWithoutAMessageIsNamedByItsType() {
    var result = PingResult.error(LOOPBACK, 10, Instant.now(), new IllegalStateException());

    assertThat(PingResponse.of("127.0.0.1", result).error()).isEqualTo("IllegalStateException");
  }
}
