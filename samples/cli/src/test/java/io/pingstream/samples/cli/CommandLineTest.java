package io.pingstream.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import io.pingstream.reactor.StreamOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line in this JVM: parsing, usage errors and help. Nothing here sends a packet. */
class CommandLineTest {

  private record Outcome(int exit, String out, String err) {}

  private static Outcome execute(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int exit = PingstreamCli.execute(args, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theDefaultsAreTheLibrarysAndOneSecondBetweenProbes() {
    PingstreamCli cli = PingstreamCli.parse("127.0.0.1");

    PingOptions options = cli.options();
    assertThat(options.policy()).isEqualTo(SelectionPolicy.DGRAM_RAW);
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.size()).isEqualTo(64);
    assertThat(options.ttl()).isEmpty();
    assertThat(options.tos()).isEmpty();
    assertThat(options.namespace()).isEmpty();
    assertThat(cli.streamOptions().interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(cli.streamOptions().rateLimit()).isEmpty();
  }

  @Test
  void reachableIsTerseLikeAliveAndUnreachableNotQuietAndChangesNothingInLoopModeButItsVerdict() {
    Report.Display count = PingstreamCli.parse("-x", "2", "-c", "3", "127.0.0.1").display();
    Report.Display loop = PingstreamCli.parse("-x", "2", "-l", "127.0.0.1").display();

    assertThat(count.quiet()).as("-x -c is quiet").isFalse(); // fping prints ICMP errors with -x
    assertThat(count.probeLines()).isFalse();
    assertThat(count.reachable()).isEqualTo(2);
    assertThat(loop.probeLines()).as("-x -l prints a line per probe").isTrue();
    assertThat(loop.reachable()).isEqualTo(2);
  }

  @Test
  void everyOptionReachesTheEnginesOptions() {
    PingstreamCli cli = PingstreamCli.parse("-c", "3", "-p", "250", "-i", "10", "-t", "500us", "-s", "1500", "--ttl", "3",
        "--tos", "184", "--policy", "dgram", "--source", "127.0.0.2", "--source", "::1", "--namespace", "/run/netns/blue",
        "-I", "eth1", "-M", "127.0.0.1");

    PingOptions options = cli.options();
    assertThat(options.policy()).isEqualTo(SelectionPolicy.DGRAM);
    assertThat(options.timeout()).isEqualTo(Duration.ofNanos(500_000));
    assertThat(options.size()).isEqualTo(1500);
    assertThat(options.ttl()).hasValue(3);
    assertThat(options.tos()).hasValue(184);
    assertThat(options.source(io.pingstream.IpFamily.IPV4)).hasValue(Results.address("127.0.0.2"));
    assertThat(options.source(io.pingstream.IpFamily.IPV6)).hasValue(Results.address("::1"));
    assertThat(options.namespace()).hasValue(Path.of("/run/netns/blue"));
    assertThat(options.interfaceName()).hasValue("eth1");
    assertThat(options.dontFragment()).isTrue();
    assertThat(PingstreamCli.parse("127.0.0.1").options().dontFragment()).isFalse();
    StreamOptions stream = cli.streamOptions();
    assertThat(stream.interval()).isEqualTo(Duration.ofMillis(250)); // a bare number is milliseconds
    assertThat(stream.rateLimit()).hasValue(100); // -i 10: at least 10 ms between any two probes
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "-p 5x 127.0.0.1               | '--period'       | '5x' is not a duration",
      "-t soon 127.0.0.1             | '--timeout'      | 'soon' is not a duration",
      "-t 0 127.0.0.1                | '-t/--timeout'   | must be more than 0",
      "-t 2h 127.0.0.1               | '-t/--timeout'   | at most 1h",
      "-p 100us 127.0.0.1            | '-p/--period'    | at least 1ms",
      "-i 2s 127.0.0.1               | '-i/--interval'  | must be 0, or from 1us to 1s",
      "-i 100ns 127.0.0.1            | '-i/--interval'  | must be 0, or from 1us to 1s",
      "-s 20 127.0.0.1               | '-s/--size'      | size must be in [64, 65535], was 20",
      "-c 0 127.0.0.1                | '-c/--count'     | must be at least 1",
      "-C 0 127.0.0.1                | '-C/--vcount'    | must be at least 1",
      "-c many 127.0.0.1             | '--count'        | 'many' is not a long",
      "--ttl 0 127.0.0.1             | '--ttl'          | ttl must be in [1, 255], was 0",
      "--tos 256 127.0.0.1           | '--tos'          | tos must be in [0, 255], was 256",
      "--policy ICMP 127.0.0.1       | '--policy'       | expected one of [RAW, RAW_DGRAM, DGRAM_RAW, DGRAM]",
      "--source example.com 127.0.0.1 | '--source'      | 'example.com' is not an IP address",
      "--source 0.0.0.0 127.0.0.1    | '--source'       | source must be a unicast address",
      "--metrics-port 65536 127.0.0.1 | '--metrics-port' | must be in [0, 65535]",
      "-r 21 127.0.0.1               | '-r/--retry'     | must be in [0, 20]",
      "-r -1 127.0.0.1               | '-r/--retry'     | must be in [0, 20]",
      "-B 0.5 127.0.0.1              | '-B/--backoff'   | must be in [1, 5]",
      "-B NaN 127.0.0.1              | '-B/--backoff'   | must be in [1, 5]",
      "-I a/b 127.0.0.1              | '-I/--iface'     | interfaceName",
      "-x 0 127.0.0.1                | '-x/--reachable' | must be at least 1",
      "-f /nonexistent/hosts         | '-f/--file'      | cannot be read"})
  void aBadValueIsAUsageErrorThatNamesTheOption(String args, String option, String why) {
    Outcome outcome = execute(args.trim().split(" +"));

    assertThat(outcome.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(outcome.out).isEmpty();
    assertThat(outcome.err)
        .startsWith("pingstream: Invalid value for option " + option)
        .contains(why)
        .contains("Try 'pingstream --help'")
        .doesNotContain("\tat ");
  }

  @Test
  void anUnknownOptionIsAUsageErrorWithASuggestion() {
    Outcome outcome = execute("--countt", "3", "127.0.0.1");

    assertThat(outcome.exit).isEqualTo(2);
    assertThat(outcome.err).contains("Unknown option: '--countt'").contains("--count");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-c 2 -l           | -c/--count and -l/--loop",
      "-l -c 1 -c 2      | -c/--count and -l/--loop",
      "-c 2 -C 2         | -c/--count and -C/--vcount",
      "-C 2 -l -l        | -C/--vcount and -l/--loop",
      "-a -u             | -a/--alive and -u/--unreach", // fping refuses it too
      "-4 -6 -4          | -4/--ipv4 and -6/--ipv6"})
  void countAndLoopExcludeEachOtherAndSoDoTheFamiliesAndTheLists(String args, String options) {
    Outcome outcome = execute((args.trim() + " 127.0.0.1").split(" +"));

    assertThat(outcome.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(outcome.out).isEmpty();
    assertThat(outcome.err).isEqualTo("pingstream: " + options + " are mutually exclusive (specify only one)\n"
        + "Try 'pingstream --help' for more information.\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-q -q", "-r 3 -r 2", "-c 1 -c 2", "-C 1 -C 2", "-l -l", "-4 -4", "-a -a", "-u -u", "-e -e",
      "-p 10 -p 20", "--ttl 3 --ttl 4"})
  void aRepeatedOptionIsNoUsageErrorAsInFping(String args) {
    // 224.0.0.1 is refused after the command line is read, before any socket opens.
    Outcome outcome = execute((args + " 224.0.0.1").split(" "));

    assertThat(outcome.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(outcome.err).isEqualTo("224.0.0.1: a multicast address, whose replies could not be matched to the probes\n");
  }

  @Test
  void theLastValueOfARepeatedOptionCountsAsInFping() {
    PingstreamCli cli = PingstreamCli.parse("-t", "100", "-t", "200", "-p", "10", "-p", "20", "--ttl", "3", "--ttl", "4", "127.0.0.1");

    assertThat(cli.options().timeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(cli.options().ttl()).hasValue(4);
    assertThat(cli.streamOptions().interval()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void noTargetIsAUsageError() {
    Outcome outcome = execute();

    assertThat(outcome.exit).isEqualTo(2);
    assertThat(outcome.err).contains("no targets");
  }

  @Test
  void targetsThatCannotBePingedAreUsageErrorsBeforeAnySocketOpens() {
    Outcome outcome = execute("224.0.0.1", "0.0.0.0", "fe80::1");

    assertThat(outcome.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(outcome.out).isEmpty();
    assertThat(outcome.err.lines()).containsExactly(
        "224.0.0.1: a multicast address, whose replies could not be matched to the probes",
        "0.0.0.0: the unspecified address, whose replies could not be matched to the probes",
        "fe80::1: a link-local address needs a scope, e.g. fe80::1%eth0");
  }

  @Test
  void aBlankTargetIsANameThatDoesNotResolveAsInFping() {
    Outcome outcome = execute("", " ");

    // fping 5.1 "" " " prints these lines and exits 2; no socket opens here, as no target is left.
    assertThat(outcome.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(outcome.out).isEmpty();
    assertThat(outcome.err.lines()).containsExactly(": Name or service not known", " : Name or service not known");
  }

  @Test
  void dashQTakesSecondsAsFpingOrADurationAndImpliesQuiet() {
    assertThat(PingstreamCli.parse("-Q", "2", "127.0.0.1").splits()).isEqualTo(Duration.ofSeconds(2));
    assertThat(PingstreamCli.parse("-Q", "0.5", "127.0.0.1").splits()).isEqualTo(Duration.ofMillis(500));
    assertThat(PingstreamCli.parse("-Q", "250ms", "127.0.0.1").splits()).isEqualTo(Duration.ofMillis(250));
    assertThat(PingstreamCli.parse("127.0.0.1").splits()).isNull();
    assertThat(execute("-Q", "soon", "-c", "1", "127.0.0.1").err).startsWith("pingstream: Invalid value for option '-Q/--squiet': 'soon'");
    assertThat(execute("-Q", "0", "-c", "1", "127.0.0.1").err).contains("must be at least 1ms");
  }

  @Test
  void aRangeThatIsNoneIsAUsageErrorThatSaysWhy() {
    Outcome single = execute("-g", "127.1.0.1");
    Outcome tooLarge = execute("-g", "10.0.0.0/8");
    Outcome withFile = execute("-g", "-f", "-", "127.1.0.0/30");

    assertThat(single.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(single.err).startsWith("pingstream: -g/--generate: takes one CIDR block (127.1.0.0/24) or a first and a last address");
    assertThat(tooLarge.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(tooLarge.err).startsWith("pingstream: -g/--generate: 10.0.0.0/8 has 16777214 addresses; -g makes at most 131072\n");
    assertThat(withFile.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(withFile.err).startsWith("pingstream: -g/--generate and -f/--file are mutually exclusive");
  }

  @Test
  void ipv6OnlyRefusesAnIpv4Target() {
    Outcome outcome = execute("-6", "127.0.0.1");

    assertThat(outcome.exit).isEqualTo(ExitStatus.USAGE);
    assertThat(outcome.err).isEqualTo("127.0.0.1: not an IPv6 address\n");
  }

  @Test
  void anIpv6AddressInAMessageIsWrittenShortAsFpingWritesIt() {
    assertThat(execute("-4", "::1").err).isEqualTo("::1: not an IPv4 address\n");
    assertThat(execute("ff02::1").err).isEqualTo("ff02::1: a multicast address, whose replies could not be matched to the probes\n");
  }

  @Test
  void aLiteralWrittenLongIsStillALiteralNotAName() {
    assertThat(execute("-4", "0:0::1").err).isEqualTo("0:0::1: not an IPv4 address\n");
    assertThat(execute("-4", "FD00::1").err).isEqualTo("FD00::1: not an IPv4 address\n");
    assertThat(execute("-6", "127.000.0.1").err).isEqualTo("127.000.0.1: not an IPv6 address\n");
    assertThat(execute("ff02:0::1").err).isEqualTo("ff02:0::1: a multicast address, whose replies could not be matched to the probes\n");
  }

  @Test
  void aNameResolvedToTheWrongFamilySaysWhatItResolvedTo() throws Exception {
    assumeTrue(Arrays.stream(InetAddress.getAllByName("localhost")).allMatch(a -> a instanceof Inet4Address),
        "localhost has an IPv6 address in this machine's hosts file");
    assertThat(execute("-6", "localhost").err).startsWith("localhost: no IPv6 address (resolved to 127.");
  }

  @Test
  void theHelpExplainsOptionsDefaultsExitStatusesAndGivesExamples() {
    Outcome outcome = execute("--help");

    assertThat(outcome.exit).isZero();
    assertThat(outcome.out)
        .contains("Usage: pingstream")
        .contains("-c, --count=COUNT")
        .contains("-i, --interval=DURATION")
        .contains("-p, --period=DURATION")
        .contains("a bare number means")
        .contains("Default: 1s")
        .contains("--policy=POLICY").contains("RAW_DGRAM").contains("DGRAM_RAW")
        .contains("--metrics-port=PORT")
        .contains("Exit status:")
        .containsPattern("\n  4 +no ICMP socket could be opened")
        .containsPattern("\n  141 +standard output or error was closed")
        .contains("Examples:")
        .contains("pingstream -c 5 -p 200ms example.com")
        .contains("-g, --generate").contains("pingstream -a -g 127.1.0.0/24");
  }

  @Test
  void theVersionIsTheBuilds() {
    Outcome outcome = execute("--version");

    assertThat(outcome.exit).isZero();
    assertThat(outcome.out).matches("(?s)pingstream \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R.*");
  }
}
