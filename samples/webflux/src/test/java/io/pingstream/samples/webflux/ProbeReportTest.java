package io.pingstream.samples.webflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.testing.NetNamespace.Commands;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text of a {@code /probe} answer: blackbox_exporter's metric names, Prometheus's format. */
class ProbeReportTest {

  private static final ProbeReport REPLY = new ProbeReport(
      true, 0.00125, 0.000011, 0.000043, 0.0000581234, address("127.0.0.1"), OptionalInt.of(64), null);

  @Test
  void aReplyIsWrittenAsBlackboxExportersIcmpProberWritesIt() {
    assertThat(REPLY.toText()).isEqualTo("""
        # HELP probe_dns_lookup_time_seconds Time taken by the name lookup, in seconds
        # TYPE probe_dns_lookup_time_seconds gauge
        probe_dns_lookup_time_seconds 1.1e-05
        # HELP probe_duration_seconds How long the probe took to complete, in seconds
        # TYPE probe_duration_seconds gauge
        probe_duration_seconds 0.00125
        # HELP probe_icmp_duration_seconds Duration of the ICMP probe by phase, in seconds
        # TYPE probe_icmp_duration_seconds gauge
        probe_icmp_duration_seconds{phase="resolve"} 1.1e-05
        probe_icmp_duration_seconds{phase="rtt"} 5.81234e-05
        probe_icmp_duration_seconds{phase="setup"} 4.3e-05
        # HELP probe_icmp_reply_hop_limit Hop limit (TTL for IPv4) of the reply
        # TYPE probe_icmp_reply_hop_limit gauge
        probe_icmp_reply_hop_limit 64
        # HELP probe_ip_addr_hash FNV-1a hash of the address probed, which changes when the address does
        # TYPE probe_ip_addr_hash gauge
        probe_ip_addr_hash 3668918509
        # HELP probe_ip_protocol IP version of the address probed: 4 or 6
        # TYPE probe_ip_protocol gauge
        probe_ip_protocol 4
        # HELP probe_success Whether the target answered: 1 or 0
        # TYPE probe_success gauge
        probe_success 1
        """);
  }

  @Test
  void aFailureSaysWhyInACommentAndHasNoHopLimit() {
    var failure = new ProbeReport(false, 1.0, 0, 0, 0, address("::1"), OptionalInt.empty(), "no reply within 500 ms\nsecond line");

    assertThat(failure.toText())
        .startsWith("# probe failed: no reply within 500 ms second line\n")
        .contains("\nprobe_success 0\n", "\nprobe_ip_protocol 6\n", "\nprobe_icmp_duration_seconds{phase=\"rtt\"} 0\n")
        .doesNotContain("probe_icmp_reply_hop_limit");
  }

  @Test
  void valuesAreWrittenSoThatTheyParseBackToThemselves() {
    // %.9g writes 120000000.4 as "120000000", without a decimal point: its zeros are digits.
    for (double value : new double[] {120_000_000.4, 100_000_000.5, 5.81234e-05, 1e-10, 0.00012, 10.5, 1.5e20, 2e15}) {
      var report = new ProbeReport(true, value, 0, 0, 0, null, OptionalInt.empty(), null);
      String line = report.toText().lines().filter(l -> l.startsWith("probe_duration_seconds ")).findFirst().orElseThrow();
      assertThat(Double.parseDouble(line.substring(line.indexOf(' ') + 1))).as(line).isCloseTo(value, org.assertj.core.data.Percentage.withPercentage(1e-6));
    }
    var infinite = new ProbeReport(true, Double.POSITIVE_INFINITY, Double.NaN, 0, 0, null, OptionalInt.empty(), null);
    assertThat(infinite.toText()).contains("\nprobe_duration_seconds +Inf\n", "\nprobe_dns_lookup_time_seconds NaN\n");
  }

  @Test
  void theAddressHashIsBlackboxExportersFnv1aOfTheAddressBytes() {
    // Go's hash/fnv New32a over net.IP.To4() / To16(), computed independently.
    assertThat(ProbeReport.addressHash(address("127.0.0.1"))).isEqualTo(3_668_918_509L);
    assertThat(ProbeReport.addressHash(address("::1"))).isEqualTo(1_751_717_746L);
  }

  @Test
  void promtoolAcceptsTheText(@TempDir Path dir) throws Exception {
    assumeTrue(Commands.exists("promtool"), "promtool is not installed (Debian package prometheus)");
    var failure = new ProbeReport(false, 0.2, 0.2, 0, 0, null, OptionalInt.empty(), "unknown host no.such.host.invalid");
    for (ProbeReport report : new ProbeReport[] {REPLY, failure}) {
      Path file = Files.writeString(dir.resolve("probe.txt"), report.toText());
      var promtool = new ProcessBuilder("sh", "-c", "promtool check metrics < " + file).redirectErrorStream(true).start();
      String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(promtool.exitValue()).as(verdict).isZero();
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
