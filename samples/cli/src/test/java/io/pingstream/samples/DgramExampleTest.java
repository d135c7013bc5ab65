package io.pingstream.samples;

import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.testing.NetNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Runs the example as a user would, in a child JVM inside a namespace the test made. */
class DgramExampleTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void printsTheRttInSecondsWhereDgramIsAllowed(String address) throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram()) {
      Run run = runIn(ns, address);

      assertThat(run.exit).isZero();
      assertThat(run.stdout.trim()).matches("0\\.\\d{9}");
    }
  }

  @Test
  void printsNoneAfterTheTimeoutForASilentPeer() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram().dropEchoRequests()) {
      Run run = runIn(ns, "127.0.0.1");

      assertThat(run.exit).isZero();
      assertThat(run.stdout.trim()).isEqualTo("None");
      assertThat(run.elapsed).isGreaterThanOrEqualTo(Duration.ofSeconds(1)); // the default timeout
    }
  }

  @Test
  void explainsTheMissingPermissionWithoutAStackTrace() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().forbidDgram()) {
      Run run = runIn(ns, "127.0.0.1");

      assertThat(run.exit).isEqualTo(1);
      assertThat(run.stderr)
          .contains("DGRAM: socket(..) failed: EACCES (13) Permission denied")
          .contains("net.ipv4.ping_group_range is \"1 0\"")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void printsTheRttWithADecimalPointWhateverTheLocale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY); // as java -Duser.language=de: "0,000013576" with its comma
    try {
      assertThat(DgramExample.seconds(Duration.ofNanos(13_576))).isEqualTo("0.000013576");
    } finally {
      Locale.setDefault(before);
    }
  }

  private record Run(int exit, String stdout, String stderr, Duration elapsed) {}

  private static Run runIn(NetNamespace ns, String address) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command = List.of("ip", "netns", "exec", ns.name(),
        java, "-cp", System.getProperty("java.class.path"), DgramExample.class.getName(), address);
    long start = System.nanoTime();
    var process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8),
        Duration.ofNanos(System.nanoTime() - start));
  }
}
