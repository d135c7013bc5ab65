package io.pingstream.samples.cli;

import static io.pingstream.testing.Requirements.requireNamespaces;
import static io.pingstream.testing.Requirements.requireNftables;
import static io.pingstream.testing.Requirements.requireRaw;
import static io.pingstream.testing.Requirements.requireTun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.testing.Behaviour;
import io.pingstream.testing.NetNamespace;
import io.pingstream.testing.TunPeer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool end to end, in a child JVM: real probes to this host's loopback (which needs RAW here,
 * as {@code ping_group_range} is closed), or to the loopback of a namespace the test makes.
 */
class PingstreamCliTest {

  private static final String MS = "\\d+(\\.\\d+)?(e\\+\\d+)?";
  private static final String REPLY = "%s : \\[%d\\], \\d+ bytes, " + MS + " ms \\(" + MS + " avg, 0%% loss\\)";
  private static final String SUMMARY = "%s : xmt/rcv/%%loss = %d/%d/0%%, min/avg/max = " + MS + "/" + MS + "/" + MS
      + ", stddev/jitter = " + MS + "/(" + MS + "|NaN)";

  @Test
  void aGeneratedRangeListsWhichOfItsAddressesAnswer() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram().dropEchoRequestsTo("{ 127.0.0.2, 127.0.0.5 }")) {

      CliProcess.Run block = CliProcess.run(ns, "", "-a", "-t", "300ms", "-g", "127.0.0.0/29");
      CliProcess.Run range = CliProcess.run(ns, "", "-u", "-t", "300ms", "-g", "127.0.0.4", "127.0.0.6");

      assertThat(block.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(block.outLines()).containsExactly("127.0.0.1", "127.0.0.3", "127.0.0.4", "127.0.0.6");
      assertThat(range.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(range.outLines()).containsExactly("127.0.0.5");
    }
  }

  @Test
  void timestampsAndABoundInterfaceWorkAsInFping() throws Exception {
    requireRaw();
    double before = System.currentTimeMillis() / 1e3;

    CliProcess.Run run = CliProcess.run(null, "", "-D", "-I", "lo", "-c", "2", "-p", "50ms", "127.0.0.1");
    CliProcess.Run noSuchInterface = CliProcess.run(null, "", "-I", "nosuch0", "-c", "1", "127.0.0.1");

    double after = System.currentTimeMillis() / 1e3;
    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Matcher line = Pattern.compile("\\[(\\d+\\.\\d{5})\\] (.*)").matcher(run.outLines().get(i));
      assertThat(line.matches()).as(run.outLines().get(i)).isTrue();
      assertThat(Double.parseDouble(line.group(1))).isBetween(before, after);
      assertThat(line.group(2)).matches(String.format(REPLY, "127\\.0\\.0\\.1", i));
    }
    assertThat(noSuchInterface.exit()).isEqualTo(ExitStatus.SYSTEM);
    assertThat(noSuchInterface.stderr()).contains("nosuch0");
  }

  @Test
  void dashQPrintsTheTimeAndEachTargetsLatestProbesEveryPeriodThenTheSummary() throws Exception {
    requireRaw();

    // 10 probes 100 ms apart take 0.9 s or more: two splits at least, at 250 and 500 ms.
    CliProcess.Run run = CliProcess.run(null, "", "-Q", "250ms", "-c", "10", "-p", "100ms", "127.0.0.1");

    assertThat(run.exit()).isZero();
    assertThat(run.stdout()).isEmpty();
    List<String> lines = run.errLines();
    assertThat(lines).last().asString().matches(String.format(SUMMARY, "127\\.0\\.0\\.1", 10, 10));
    List<String> splits = lines.subList(0, lines.size() - 1);
    assertThat(splits).hasSizeGreaterThanOrEqualTo(4).hasSize(splits.size() / 2 * 2);
    long sent = 0;
    for (int i = 0; i < splits.size(); i += 2) {
      assertThat(splits.get(i)).matches("\\[\\d\\d:\\d\\d:\\d\\d\\]");
      Matcher split = Pattern.compile("127\\.0\\.0\\.1 : xmt/rcv/%loss = (\\d+)/\\1/0%.*").matcher(splits.get(i + 1));
      assertThat(split.matches()).as(splits.get(i + 1)).isTrue();
      sent += Long.parseLong(split.group(1));
    }
    assertThat(sent).isBetween(2L, 10L); // each probe in one split at most; the last ones come after the last split
  }

  @Test
  void reachableSaysWhetherEnoughTargetsAnsweredAndExitsAccordinglyAsFping() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram().dropEchoRequestsTo("127.0.0.2")) {

      CliProcess.Run enough = CliProcess.run(ns, "", "-x", "1", "-t", "300ms", "127.0.0.1", "127.0.0.2");
      CliProcess.Run notEnough = CliProcess.run(ns, "", "-x", "2", "-t", "300ms", "-c", "2", "-p", "50ms", "127.0.0.1", "127.0.0.2");

      assertThat(enough.exit()).isEqualTo(ExitStatus.OK);
      assertThat(enough.stdout()).isEqualTo("Enough hosts reachable (required: 1, reachable: 1)\n");
      assertThat(enough.stderr()).isEmpty();
      assertThat(notEnough.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(notEnough.stdout()).isEqualTo("Not enough hosts reachable (required: 2, reachable: 1)\n");
      assertThat(notEnough.errLines()).hasSize(2).allMatch(line -> line.contains("xmt/rcv/%loss = 2/"));
    }
  }

  @Test
  void reachableIsNotQuietErrorsStillPrintAndLoopModeKeepsItsLinesAsFping() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram()) {
      ns.nft("add table inet reject_test",
          "add chain inet reject_test input { type filter hook input priority 0 ; }",
          "add rule inet reject_test input ip daddr 127.0.0.3 icmp type echo-request reject with icmp type host-prohibited");

      CliProcess.Run count = CliProcess.run(ns, "", "-x", "1", "-c", "1", "-t", "300ms", "127.0.0.1", "127.0.0.3");
      CliProcess.Run loop;
      try (CliProcess cli = CliProcess.start(ns, "", "-x", "1", "-l", "-p", "100ms", "127.0.0.1")) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!cli.stdoutSoFar().contains("[1]") && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        cli.interrupt();
        loop = cli.await();
      }

      // fping 5.1 -x 1 -c 1: no line per probe, the ICMP error on stderr, the summaries, the verdict.
      assertThat(count.exit()).isEqualTo(ExitStatus.OK);
      assertThat(count.stdout()).isEqualTo("Enough hosts reachable (required: 1, reachable: 1)\n");
      assertThat(count.errLines()).first().asString()
          .isEqualTo("ICMP Unreachable (Communication with Host Prohibited) from 127.0.0.3 for ICMP Echo sent to 127.0.0.3");
      // fping 5.1 -x 1 -l: a line per probe, as without -x; on Ctrl-C the summary, then the verdict.
      assertThat(loop.exit()).isEqualTo(ExitStatus.OK);
      assertThat(loop.stdout()).startsWith("127.0.0.1 : [0], ").contains("127.0.0.1 : [1], ")
          .endsWith("\nEnough hosts reachable (required: 1, reachable: 1)\n");
    }
  }

  @Test
  void reachableCountsEachNameGivenAndDecidesTheExitStatusEvenWhenANameDidNotResolveAsFping() throws Exception {
    requireRaw();

    // Two spellings of one address: pinged once, two hosts for fping 5.1 (exit 0). A blank name
    // fails to resolve without a lookup: fping exits by the verdict all the same.
    CliProcess.Run twoNames = CliProcess.run(null, "", "-x", "2", "::1", "0:0::1");
    CliProcess.Run unresolved = CliProcess.run(null, "", "-x", "1", "127.0.0.1", "");

    assertThat(twoNames.stdout()).isEqualTo("Enough hosts reachable (required: 2, reachable: 2)\n");
    assertThat(twoNames.exit()).isEqualTo(ExitStatus.OK);
    assertThat(unresolved.stdout()).isEqualTo("Enough hosts reachable (required: 1, reachable: 1)\n");
    assertThat(unresolved.stderr()).contains("Name or service not known");
    assertThat(unresolved.exit()).isEqualTo(ExitStatus.OK);
  }

  @Test
  void byAddressShowsTheAddressANameResolvedTo() throws Exception {
    requireRaw();
    assumeTrue(InetAddress.getByName("localhost").getHostAddress().equals("127.0.0.1"), "localhost is not 127.0.0.1 here");

    CliProcess.Run run = CliProcess.run(null, "", "-A", "-4", "localhost");

    assertThat(run.exit()).isZero();
    assertThat(run.stdout()).isEqualTo("127.0.0.1 is alive\n");
  }

  @Test
  void countModePrintsALinePerReplyThenTheSummaryAndExitsZero() throws Exception {
    requireRaw();

    CliProcess.Run run = CliProcess.run(null, "", "-c", "3", "127.0.0.1");

    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(run.outLines().get(i)).matches(String.format(REPLY, "127\\.0\\.0\\.1", i)).contains(", 44 bytes, ");
    }
    assertThat(run.errLines()).hasSize(2);
    assertThat(run.errLines().get(0)).isEmpty();
    assertThat(run.errLines().get(1)).matches(String.format(SUMMARY, "127\\.0\\.0\\.1", 3, 3));
    assertThat(run.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(2)); // -i defaults to 1 s
  }

  @Test
  void vcountPrintsTheLinesPerProbeThenEachTargetsRoundTrips() throws Exception {
    requireRaw();

    CliProcess.Run run = CliProcess.run(null, "", "-C", "3", "-p", "20ms", "127.0.0.1");

    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).hasSize(3).allMatch(line -> line.startsWith("127.0.0.1 : ["));
    assertThat(run.errLines()).hasSize(2);
    assertThat(run.errLines().get(0)).isEmpty();
    assertThat(run.errLines().get(1)).matches("127\\.0\\.0\\.1 :( " + MS + "){3}");
  }

  @Test
  void withoutCountItSaysAliveAsFping() throws Exception {
    requireRaw();

    CliProcess.Run run = CliProcess.run(null, "", "127.0.0.1");

    assertThat(run.exit()).isZero();
    assertThat(run.stdout()).isEqualTo("127.0.0.1 is alive\n");
    assertThat(run.stderr()).isEmpty();
  }

  @Test
  void aliveAndUnreachableListTheTargetsByNameWithTheirRoundTrip() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram().dropEchoRequestsTo("127.0.0.2")) {

      CliProcess.Run alive = CliProcess.run(ns, "", "-a", "-e", "-t", "300ms", "127.0.0.2", "127.0.0.1");
      CliProcess.Run unreachable = CliProcess.run(ns, "", "-u", "-t", "300ms", "127.0.0.2", "127.0.0.1");

      assertThat(alive.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(alive.outLines()).singleElement().asString().matches("127\\.0\\.0\\.1 \\(" + MS + " ms\\)");
      assertThat(alive.stderr()).isEmpty();
      assertThat(unreachable.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(unreachable.outLines()).containsExactly("127.0.0.2");
      assertThat(unreachable.stderr()).isEmpty();
    }
  }

  @Test
  void retriesProbeOnlyTheTargetsThatHaveNotAnsweredWithAGrowingTimeout() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram()) {
      ns.nft("add table inet retry_test",
          "add chain inet retry_test input { type filter hook input priority 0 ; }",
          // 127.0.0.2 answers from its second probe on; 127.0.0.3 never does.
          "add rule inet retry_test input ip daddr 127.0.0.2 icmp type echo-request quota until 100 bytes drop",
          "add rule inet retry_test input ip daddr 127.0.0.3 icmp type echo-request counter drop",
          "add rule inet retry_test input ip daddr 127.0.0.1 icmp type echo-request counter accept");
      long start = System.nanoTime();

      CliProcess.Run run = CliProcess.run(ns, "", "-r", "2", "-B", "2", "-t", "200ms", "-p", "10ms", "127.0.0.1", "127.0.0.2", "127.0.0.3");

      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(run.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(run.outLines()).containsExactly("127.0.0.1 is alive", "127.0.0.2 is alive", "127.0.0.3 is unreachable");
      String counters = ns.exec("nft", "list", "table", "inet", "retry_test");
      assertThat(counters).contains("ip daddr 127.0.0.3 icmp type echo-request counter packets 3 ");
      assertThat(counters).contains("ip daddr 127.0.0.1 icmp type echo-request counter packets 1 ");
      // Three rounds for the silent target: 200 + 400 + 800 ms (without the backoff, 600 ms).
      assertThat(took).isGreaterThan(Duration.ofMillis(1_400));
    }
  }

  @Test
  void aTargetWhoseProbeCannotBeSentIsNotRetriedAsInFping() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram()) {
      ns.nft("add table inet send_test",
          "add chain inet send_test output { type filter hook output priority 0 ; }",
          "add rule inet send_test output ip daddr 127.0.0.3 icmp type echo-request counter drop");

      CliProcess.Run run = CliProcess.run(ns, "", "-r", "2", "-t", "200ms", "-p", "10ms", "127.0.0.1", "127.0.0.3");

      assertThat(run.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(run.outLines()).containsExactly("127.0.0.1 is alive", "127.0.0.3 is unreachable");
      // fping prints the send error once: it schedules no retry for a probe it could not send.
      assertThat(run.stderr().lines().filter(line -> line.startsWith("127.0.0.3"))).hasSize(1);
      assertThat(ns.exec("nft", "list", "table", "inet", "send_test")).contains("counter packets 1 ");
    }
  }

  @Test
  void oneLinkLocalAddressOnTwoInterfacesIsTwoTargetsAsInFping() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram()) {
      // fe80::1 on two links of the namespace: fping 5.1 pings both.
      for (String link : List.of("lk0", "lk1")) {
        ns.exec("ip", "link", "add", link, "type", "veth", "peer", "name", link + "p");
        ns.exec("ip", "link", "set", link, "up");
        ns.exec("ip", "link", "set", link + "p", "up");
        ns.exec("ip", "addr", "add", "fe80::1/64", "dev", link, "nodad");
      }

      CliProcess.Run run = CliProcess.run(ns, "", "-c", "1", "fe80::1%lk0", "fe80::1%lk1");

      assertThat(run.exit()).isZero();
      assertThat(run.outLines()).hasSize(2)
          .anySatisfy(line -> assertThat(line).startsWith("fe80::1%lk0 : [0], "))
          .anySatisfy(line -> assertThat(line).startsWith("fe80::1%lk1 : [0], "));
    }
  }

  @Test
  void aSilentTargetTimesOutEveryProbeAndExitsOne() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram().dropEchoRequests()) {
      CliProcess.Run run = CliProcess.run(ns, "", "-c", "3", "-p", "100ms", "-t", "300ms", "127.0.0.1", "::1");

      assertThat(run.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(run.outLines()).containsExactlyInAnyOrder(
          "127.0.0.1 : [0], timed out (NaN avg, 100% loss)",
          "127.0.0.1 : [1], timed out (NaN avg, 100% loss)",
          "127.0.0.1 : [2], timed out (NaN avg, 100% loss)",
          "::1       : [0], timed out (NaN avg, 100% loss)",
          "::1       : [1], timed out (NaN avg, 100% loss)",
          "::1       : [2], timed out (NaN avg, 100% loss)");
      assertThat(run.errLines()).containsExactly(
          "",
          "127.0.0.1 : xmt/rcv/%loss = 3/0/100%",
          "::1       : xmt/rcv/%loss = 3/0/100%");
    }
  }

  @Test
  void dashIIsTheLeastGapBetweenAnyTwoProbesAsInFping() throws Exception {
    requireRaw();
    // Two targets, 3 probes each, 10 ms apart per target; -i makes it 6 probes 500 ms apart.
    CliProcess.Run spaced = CliProcess.run(null, "", "-q", "-c", "3", "-p", "10ms", "-i", "500ms", "127.0.0.1", "127.0.0.2");

    assertThat(spaced.exit()).isZero();
    assertThat(spaced.errLines()).hasSize(2).allSatisfy(line -> assertThat(line).contains("xmt/rcv/%loss = 3/3/0%"));
    assertThat(spaced.elapsed()).as("five gaps of 500 ms (without -i: a JVM's start and 20 ms)").isGreaterThan(Duration.ofMillis(2_500));
  }

  @Test
  void anIcmpErrorIsPrintedAsFpingPrintsIt() throws Exception {
    requireNftables();
    try (var ns = NetNamespace.create().allowDgram()) {
      ns.nft("add table inet reject_test",
          "add chain inet reject_test input { type filter hook input priority 0 ; }",
          "add rule inet reject_test input icmp type echo-request reject with icmp type host-unreachable");

      CliProcess.Run run = CliProcess.run(ns, "", "-c", "2", "-p", "100ms", "127.0.0.1");

      // fping 5.1 in the same namespace prints exactly these lines.
      assertThat(run.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(run.stdout()).isEqualTo(String.join("\n",
          "127.0.0.1 : [0], timed out (NaN avg, 100% loss)",
          "127.0.0.1 : [1], timed out (NaN avg, 100% loss)",
          ""));
      assertThat(run.errLines()).containsExactly(
          "ICMP Host Unreachable from 127.0.0.1 for ICMP Echo sent to 127.0.0.1",
          "ICMP Host Unreachable from 127.0.0.1 for ICMP Echo sent to 127.0.0.1",
          "",
          "127.0.0.1 : xmt/rcv/%loss = 2/0/100%");
    }
  }

  @Test
  void aProbeThatCannotBeSentHasNoLineWithCountAsInFping() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram()) {
      ns.exec("ip", "route", "add", "unreachable", "10.99.1.1/32");
      ns.exec("ip", "route", "add", "prohibit", "10.99.1.2/32");
      ns.exec("ip", "route", "add", "blackhole", "10.99.1.3/32");

      CliProcess.Run run = CliProcess.run(ns, "", "-c", "2", "-p", "100ms", "-t", "300ms", "10.99.1.1", "10.99.1.2", "10.99.1.3");

      // fping 5.1 -c 2 in the same namespace prints exactly these lines: sendto fails
      // (EHOSTUNREACH, EACCES, EINVAL), and fping neither says so nor prints "timed out".
      assertThat(run.exit()).isEqualTo(ExitStatus.SOME_SILENT);
      assertThat(run.stdout()).isEmpty();
      assertThat(run.errLines()).containsExactly(
          "",
          "10.99.1.1 : xmt/rcv/%loss = 2/0/100%",
          "10.99.1.2 : xmt/rcv/%loss = 2/0/100%",
          "10.99.1.3 : xmt/rcv/%loss = 2/0/100%");
    }
  }

  @Test
  void aDuplicateReplyIsPrintedAsFpingAndNotCountedAsAProbe() throws Exception {
    requireTun();
    try (var ns = NetNamespace.create().allowDgram(); TunPeer peer = TunPeer.start(ns)) {
      // The first probe is answered twice. (A duplicate of the last probe could come after the
      // run ended, when fping would not see it either.)
      var requests = new AtomicInteger();
      peer.behave(request -> requests.getAndIncrement() == 0 ? Behaviour.reply().copies(2) : Behaviour.reply());

      CliProcess.Run run = CliProcess.run(ns, "", "-c", "2", "-p", "100ms", "10.200.0.2");

      assertThat(run.exit()).isZero();
      assertThat(run.outLines()).hasSize(2);
      assertThat(run.errLines()).hasSize(3);
      assertThat(run.errLines().get(0)).matches("10\\.200\\.0\\.2 : duplicate for \\[0\\], 44 bytes, " + MS + " ms");
      assertThat(run.errLines().get(2)).matches(String.format(SUMMARY, "10\\.200\\.0\\.2", 2, 2));
    }
  }

  @Test
  void readsTargetsFromAFile(@TempDir Path dir) throws Exception {
    requireRaw();
    Path hosts = Files.writeString(dir.resolve("hosts.txt"), "# loopback, both families\n\n127.0.0.1\n  ::1   # IPv6\n");

    CliProcess.Run run = CliProcess.run(null, "", "-c", "1", "-f", hosts.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).hasSize(2).anySatisfy(line -> assertThat(line).matches(String.format(REPLY, "127\\.0\\.0\\.1", 0)))
        .anySatisfy(line -> assertThat(line).matches(String.format(REPLY, "::1      ", 0)));
  }

  @Test
  void readsTargetsFromStandardInputWithADashOrWithoutTargets() throws Exception {
    requireRaw();
    String stdin = "127.0.0.1\n# comment\n::1\n";

    CliProcess.Run dash = CliProcess.run(null, stdin, "-f", "-");
    CliProcess.Run none = CliProcess.run(null, stdin);

    for (CliProcess.Run run : List.of(dash, none)) {
      assertThat(run.exit()).isZero();
      assertThat(run.outLines()).containsExactlyInAnyOrder("127.0.0.1 is alive", "::1 is alive");
    }
  }

  @Test
  void quietPrintsOnlyTheSummary() throws Exception {
    requireRaw();

    CliProcess.Run run = CliProcess.run(null, "", "-q", "-c", "2", "-p", "100ms", "127.0.0.1", "::1");

    assertThat(run.exit()).isZero();
    assertThat(run.stdout()).isEmpty();
    assertThat(run.errLines()).hasSize(2);
    assertThat(run.errLines().get(0)).matches(String.format(SUMMARY, "127\\.0\\.0\\.1", 2, 2));
    assertThat(run.errLines().get(1)).matches(String.format(SUMMARY, "::1      ", 2, 2));
  }

  @Test
  void aRepeatedOptionTakesItsLastValueAsInFping() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram()) {
      CliProcess.Run run = CliProcess.run(ns, "", "-q", "-q", "-c", "1", "-c", "2", "-p", "10ms", "127.0.0.1");

      // fping 5.1 -q -q -c 1 -c 2: two probes, the summary alone.
      assertThat(run.exit()).isZero();
      assertThat(run.stdout()).isEmpty();
      assertThat(run.errLines()).singleElement().asString().matches(String.format(SUMMARY, "127\\.0\\.0\\.1", 2, 2));
    }
  }

  @Test
  void servesTheMetersWhileRunningAndPrintsTheSummaryOnCtrlC() throws Exception {
    requireRaw();
    try (CliProcess cli = CliProcess.start(null, "", "-l", "-p", "100ms", "--metrics-port", "0", "127.0.0.1")) {
      URI metrics = URI.create(awaitMatch(cli, Pattern.compile("serving metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)")));
      HttpResponse<String> scrape = awaitScrape(metrics, "ping_rtt_seconds_count{family=\"ipv4\",name=\"127.0.0.1\",target=\"127.0.0.1\"}");

      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
      assertThat(scrape.body())
          .contains("ping_sent_total{family=\"ipv4\",name=\"127.0.0.1\",target=\"127.0.0.1\"}")
          .contains("ping_engine_socket{family=\"ipv4\",mode=\"raw\"} 1.0");

      cli.interrupt();
      CliProcess.Run run = cli.await();

      assertThat(run.exit()).isZero();
      assertThat(run.outLines()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("127.0.0.1 : ["));
      int sent = run.outLines().size();
      assertThat(run.errLines().get(run.errLines().size() - 1))
          .matches(String.format(SUMMARY, "127\\.0\\.0\\.1", sent, sent));
    }
  }

  @Test
  void aClosedStdoutStopsTheRunAsSigpipeStopsFping() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram()) {
      Process process = new ProcessBuilder(CliProcess.command(ns, "-l", "-p", "50ms", "127.0.0.1"))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      try {
        process.getOutputStream().close();
        var stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        assertThat(stdout.readLine()).startsWith("127.0.0.1 : [0], ");
        stdout.close(); // as head -1 does

        // fping 5.1 -l ... | head -1 is killed by SIGPIPE at its next line: status 141.
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the run stopped").isTrue();
        assertThat(process.exitValue()).isEqualTo(ExitStatus.BROKEN_PIPE);
      } finally {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void explainsAMissingPermissionWithoutAStackTraceAndExitsFour() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().forbidDgram()) {
      CliProcess.Run run = CliProcess.run(ns, "", "--policy", "DGRAM", "-c", "1", "127.0.0.1");

      assertThat(run.exit()).isEqualTo(ExitStatus.SYSTEM);
      assertThat(run.stdout()).isEmpty();
      assertThat(run.stderr())
          .startsWith("pingstream: cannot open an ICMP socket")
          .contains("DGRAM: socket(..) failed: EACCES (13) Permission denied")
          .contains("net.ipv4.ping_group_range is \"1 0\"")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void aNameThatDoesNotResolveExitsTwoWhileTheOthersArePinged() throws Exception {
    requireNamespaces();
    // In a namespace of its own, a lookup cannot leave the machine.
    try (var ns = NetNamespace.create().allowDgram()) {
      CliProcess.Run run = CliProcess.run(ns, "", "no-such-host.invalid", "127.0.0.1");

      assertThat(run.exit()).isEqualTo(ExitStatus.USAGE);
      assertThat(run.stdout()).isEqualTo("127.0.0.1 is alive\n");
      assertThat(run.stderr()).startsWith("no-such-host.invalid: ").doesNotContain("\tat ");
    }
  }

  @Test
  void aBlankTargetExitsTwoWhileTheOthersArePingedAsInFping() throws Exception {
    requireNamespaces();
    try (var ns = NetNamespace.create().allowDgram()) {
      CliProcess.Run run = CliProcess.run(ns, "", "", "127.0.0.1");

      // fping 5.1 "" 127.0.0.1 prints the same and exits 2.
      assertThat(run.exit()).isEqualTo(ExitStatus.USAGE);
      assertThat(run.stdout()).isEqualTo("127.0.0.1 is alive\n");
      assertThat(run.stderr()).isEqualTo(": Name or service not known\n");
    }
  }

  private static String awaitMatch(CliProcess cli, Pattern pattern) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher matcher = pattern.matcher(cli.stderrSoFar());
      if (matcher.find()) {
        return matcher.group(1);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no line matching " + pattern + " in stderr: " + cli.stderrSoFar());
  }

  /** Scrapes until the body has {@code series} with a positive value. */
  private static HttpResponse<String> awaitScrape(URI metrics, String series) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Pattern positive = Pattern.compile(Pattern.quote(series) + " [1-9]");
    HttpResponse<String> response = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      response = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (positive.matcher(response.body()).find()) {
        return response;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + series + " > 0 in " + (response == null ? "no response" : response.body()));
  }
}
