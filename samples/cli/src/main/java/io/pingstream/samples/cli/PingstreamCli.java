package io.pingstream.samples.cli;

import io.pingstream.AddressText;
import io.pingstream.IpFamily;
import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import io.pingstream.reactor.AddressPreference;
import io.pingstream.reactor.StreamOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pingstream}: pings many targets at once and prints what fping prints. The main class of
 * {@code samples/target/pingstream.jar}.
 *
 * <pre>
 * java -jar samples/target/pingstream.jar 127.0.0.1            # 127.0.0.1 is alive
 * java -jar samples/target/pingstream.jar -c 3 127.0.0.1 ::1   # a line per reply, then a summary
 * </pre>
 *
 * <p>This class only reads the command line; {@link PingRun} does the run, {@link Report} and
 * {@link FpingFormat} the printing, {@link MetricsEndpoint} the Prometheus endpoint.
 */
@Command(
    name = "pingstream",
    mixinStandardHelpOptions = true,
    versionProvider = PingstreamCli.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    headerHeading = "%n",
    header = "Sends ICMP echo requests to many hosts at once and prints the replies, the way fping does.",
    synopsisHeading = "%nUsage: ",
    descriptionHeading = "%n",
    description = {
        "Without -c or -l, each target gets one probe (and up to -r more) and a line saying whether"
            + " it is alive. With"
            + " -c COUNT, each target gets COUNT probes and a line per reply or timeout on stdout;"
            + " at the end, or on Ctrl-C, a summary line per target on stderr: fping's"
            + " xmt/rcv/%%loss and min/avg/max, then stddev/jitter.",
        "",
        "Durations take a unit: 500us, 200ms, 1.5s, 2m; a bare number means milliseconds, as in"
            + " fping.",
        "",
        "Permissions: DGRAM ICMP sockets need the group id inside the range of the sysctl"
            + " net.ipv4.ping_group_range; RAW sockets need CAP_NET_RAW (root)."},
    parameterListHeading = "%nTargets:%n",
    optionListHeading = "%nOptions:%n",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:every target answered at least once",
        "1:some target did not answer",
        "2:bad usage, or a target that does not resolve",
        "4:no ICMP socket could be opened (permission), or another system error",
        "141:standard output or error was closed (e.g. by '| head'): as fping, killed by SIGPIPE"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pingstream 127.0.0.1 ::1",
        "      one probe each: alive or unreachable",
        "  pingstream -c 5 -p 200ms example.com",
        "      5 probes 200 ms apart, a line per reply, then the summary",
        "  pingstream -q -c 100 -p 10ms -i 1ms -f hosts.txt",
        "      100 probes to each host listed in hosts.txt, 10 ms apart, at most one a millisecond, summary only",
        "  pingstream -a -g 127.1.0.0/24",
        "      the addresses of 127.1.0.1 to 127.1.0.254 that answer",
        "  pingstream -l --metrics-port 9464 127.0.0.1 ::1",
        "      until Ctrl-C, with the meters at http://127.0.0.1:9464/metrics"})
public final class PingstreamCli implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "TARGET", arity = "0..*",
      description = "Host names or IP addresses. Without targets and without -f, they are read from"
          + " standard input, one per line, unless it is a terminal.")
  private List<String> targets = new ArrayList<>();

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "Read targets from FILE, one per line; blank lines and lines starting with # are"
          + " skipped. '-' reads standard input.")
  private @Nullable String file;

  @Option(names = {"-g", "--generate"},
      description = "The targets are one range, as fping -g: a CIDR block (127.1.0.0/24; in IPv4"
          + " from /30 up without its network and broadcast addresses) or a first and a last"
          + " address (127.1.0.1 127.1.0.254). IPv6 too, where fping takes IPv4 only. At most"
          + " 131072 addresses. Not with -f.")
  private boolean generate;

  // -c, -C and -l (fping's count and loop modes), -4 and -6, -a and -u: one of each group at
  // most, checked in exclusive(). Not picocli ArgGroups, which refuse an option given twice
  // ("expected only one match"), where fping takes the last value as for any other option.

  @Option(names = {"-c", "--count"}, paramLabel = "COUNT",
      description = "Send COUNT probes to each target, print a line per probe and a summary.")
  private @Nullable Long count;

  @Option(names = {"-C", "--vcount"}, paramLabel = "COUNT",
      description = "Like -c, but the summary lists each probe's round trip in ms ('-' when lost),"
          + " as fping -C: '127.0.0.1 : 0.051 0.047 -'.")
  private @Nullable Long vcount;

  @Option(names = {"-l", "--loop"},
      description = "Like -c, but until interrupted (Ctrl-C). One of -c, -C and -l at most.")
  private boolean loop;

  @Option(names = {"-p", "--period"}, paramLabel = "DURATION", converter = Durations.class, defaultValue = "1s",
      description = "Time between two probes to the same target, as fping -p (ping calls it -i);"
          + " the first probes to different targets are spread over it. At least 1ms."
          + " Default: ${DEFAULT-VALUE}.")
  private Duration period = Duration.ofSeconds(1);

  @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", converter = Durations.class, defaultValue = "0",
      description = "Least time between any two probes, whatever their targets, as fping -i; a target"
          + " whose probe is due meanwhile waits its turn. From 1us to 1s, rounded up to a whole"
          + " fraction of a second (400ms gives 500ms). Default: 0, no such limit (fping's is 10ms):"
          + " the probes are spread over -p instead.")
  private Duration interval = Duration.ZERO;

  @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = Durations.class, defaultValue = "1s",
      description = "How long a probe waits for its reply, up to 1h. Default: ${DEFAULT-VALUE}"
          + " (fping: 500ms without -c, with three retries).")
  private Duration timeout = Duration.ofSeconds(1);

  @Option(names = {"-r", "--retry"}, paramLabel = "N", defaultValue = "0",
      description = "Without -c or -l: send up to N more probes to each target that has not answered,"
          + " in rounds spread over -p like the first, as fping -r (whose default is 3). Ignored with"
          + " -c or -l, as in fping. From 0 to 20. Default: ${DEFAULT-VALUE}.")
  private int retries;

  @Option(names = {"-B", "--backoff"}, paramLabel = "FACTOR", defaultValue = "1.5",
      description = "Each retry's timeout is the last one's times FACTOR, as fping -B; from 1 to 5."
          + " Default: ${DEFAULT-VALUE}.")
  private double backoff = 1.5;

  @Option(names = {"-s", "--size"}, paramLabel = "BYTES", defaultValue = "64",
      description = "Size of the whole IP packet: IP header, 8-byte ICMP header and payload, from 64"
          + " to 65535. Default: ${DEFAULT-VALUE}. Reply lines show the ICMP bytes, as fping: 44 for"
          + " IPv4 at 64; fping's default packets are -s 84. (fping's -s prints statistics; its"
          + " size option is -b, the payload alone.)")
  private int size = 64;

  @Option(names = "--ttl", paramLabel = "HOPS",
      description = "TTL (IPv4) or hop limit (IPv6) of the probes, 1 to 255. Default: the system's.")
  private @Nullable Integer ttl;

  @Option(names = "--tos", paramLabel = "TOS",
      description = "TOS (IPv4) or traffic class (IPv6) of the probes, 0 to 255. Default: the system's.")
  private @Nullable Integer tos;

  @Option(names = "--policy", paramLabel = "POLICY", defaultValue = "DGRAM_RAW",
      description = "Socket modes to try, in order: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}"
          + " (unprivileged DGRAM first, then RAW).")
  private SelectionPolicy policy = SelectionPolicy.DGRAM_RAW;

  @Option(names = {"-4", "--ipv4"},
      description = "Ping IPv4 addresses only: names resolve to their IPv4 address.")
  private boolean ipv4;

  @Option(names = {"-6", "--ipv6"},
      description = "Ping IPv6 addresses only: names resolve to their IPv6 address. Not with -4.")
  private boolean ipv6;

  @Option(names = "--source", paramLabel = "ADDR", converter = IpLiteral.class,
      description = "Send from this local address; once per family, e.g. --source 127.0.0.2 --source ::1.")
  private List<InetAddress> sources = new ArrayList<>();

  @Option(names = "--namespace", paramLabel = "PATH",
      description = "Open the sockets in this network namespace, e.g. /run/netns/blue (needs CAP_SYS_ADMIN).")
  private @Nullable Path namespace;

  @Option(names = {"-q", "--quiet"},
      description = "Print only the summary (with -c or -l), or nothing but the lists of -a or -u"
          + " (without: see the exit status).")
  private boolean quiet;

  @Option(names = {"-a", "--alive"},
      description = "Without -c or -l: list the targets that answer, one name per line, as fping -a."
          + " With -c: no line per probe, only the summary, as fping; no effect with -l.")
  private boolean alive;

  @Option(names = {"-u", "--unreach"},
      description = "Without -c or -l: list the targets that did not answer, one name per line, at"
          + " the end, as fping -u. With -c: as -a. Not with -a, as in fping.")
  private boolean unreachable;

  @Option(names = {"-e", "--elapsed"},
      description = "Without -c or -l: add the round trip to the line of each target that answered,"
          + " as fping -e: '127.0.0.1 is alive (0.051 ms)'.")
  private boolean elapsed;

  @Option(names = {"-Q", "--squiet"}, paramLabel = "SECONDS",
      description = "Like -q, but with -c, -C or -l also print, every SECONDS, the local time and"
          + " each target's summary of the probes since the last one, as fping -Q. A bare number"
          + " means seconds here, as in fping; a unit may be given (500ms).")
  private @Nullable String splitInterval;

  @Option(names = {"-x", "--reachable"}, paramLabel = "N",
      description = "Instead of a line per target (with -c, per probe), end with whether at least N of"
          + " the targets given answered, as fping -x: 'Enough hosts reachable (required: 2, reachable: 3)';"
          + " the exit status is 0 if so, else 1, also when a name did not resolve. Errors still print;"
          + " with -l, so does each probe's line. At least 1.")
  private @Nullable Integer reachable;

  @Option(names = {"-A", "--addr"},
      description = "Show targets by address rather than as given, as fping -A: 'localhost' prints"
          + " as '127.0.0.1'.")
  private boolean byAddress;

  @Option(names = {"-D", "--timestamp"},
      description = "Start each line of a probe (reply or timeout) with the time it was printed, in"
          + " seconds since the epoch, as fping -D: '[1795794013.72692] 127.0.0.1 : [0], ...'.")
  private boolean timestamps;

  @Option(names = {"-I", "--iface"}, paramLabel = "IFACE",
      description = "Send and receive through this interface or VRF only (SO_BINDTODEVICE), as fping -I.")
  private @Nullable String interfaceName;

  @Option(names = {"-M", "--dontfrag"},
      description = "Set IPv4's Don't Fragment bit (IPv6: no fragmenting by this host), as fping -M:"
          + " a probe larger than the path's MTU fails instead of being fragmented.")
  private boolean dontFragment;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "While running, serve the Micrometer meters (ping_rtt_seconds, ping_sent_total, ...)"
          + " in the Prometheus text format at /metrics on this port; 0 picks a free one. The URL is"
          + " printed on stderr.")
  private @Nullable Integer metricsPort;

  @Option(names = "--metrics-address", paramLabel = "ADDR", converter = IpLiteral.class, defaultValue = "127.0.0.1",
      description = "Address the metrics endpoint listens on. Default: ${DEFAULT-VALUE} (this host only).")
  private InetAddress metricsAddress = InetAddress.getLoopbackAddress();

  private final InputStream stdin;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean interactive;
  private final boolean main;

  private PingstreamCli(InputStream stdin, PrintStream out, PrintStream err, boolean interactive, boolean main) {
    this.stdin = stdin;
    this.out = out;
    this.err = err;
    this.interactive = interactive;
    this.main = main;
  }

  /**
   * Runs the tool and exits with its status. Ctrl-C (or SIGTERM) prints the summary of what came
   * so far and exits with the status that summary gives, as fping does.
   */
  public static void main(String[] args) {
    var command = new PingstreamCli(System.in, System.out, System.err, System.console() != null, true);
    System.exit(commandLine(command, System.out, System.err).execute(args));
  }

  /**
   * Runs the tool in this JVM, without a shutdown hook, and returns its exit status. {@code
   * interactive} means a terminal: quiet runs show progress, and standard input is not read for
   * targets.
   */
  static int execute(String[] args, InputStream stdin, PrintStream out, PrintStream err, boolean interactive) {
    return commandLine(new PingstreamCli(stdin, out, err, interactive, false), out, err).execute(args);
  }

  /** The command with {@code args} parsed, nothing run: for tests of {@link #options()} and {@link #streamOptions()}. */
  static PingstreamCli parse(String... args) {
    var command = new PingstreamCli(InputStream.nullInputStream(), System.out, System.err, false, false);
    commandLine(command, System.out, System.err).parseArgs(args);
    return command;
  }

  private static CommandLine commandLine(PingstreamCli command, PrintStream out, PrintStream err) {
    return new CommandLine(command)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOverwrittenOptionsAllowed(true) // as fping: -c 1 -c 2 is -c 2, -q -q is -q
        .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
        .setParameterExceptionHandler(PingstreamCli::badUsage)
        .setExecutionExceptionHandler((error, commandLine, parsed) -> {
          commandLine.getErr().println("pingstream: " + error);
          return ExitStatus.SYSTEM;
        });
  }

  /** A bad command line: the problem, a hint, and status 2; the full usage only on --help. */
  private static int badUsage(ParameterException error, String[] args) {
    CommandLine commandLine = error.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println("pingstream: " + error.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
    err.println("Try 'pingstream --help' for more information.");
    return ExitStatus.USAGE;
  }

  @Override
  public Integer call() {
    exclusive("-c", "-C", "-l");
    exclusive("-4", "-6");
    exclusive("-a", "-u");
    PingOptions options = options();
    StreamOptions stream = streamOptions();
    List<String> names = names();
    if (names.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "no targets: give them as arguments, with -f FILE, or on standard input");
    }
    boolean counting = loop || probes() != null;
    Duration splits = splits();
    var settings = new PingRun.Settings(
        options,
        ipv4 ? AddressPreference.IPV4 : ipv6 ? AddressPreference.IPV6 : AddressPreference.ANY,
        ipv4 ? IpFamily.IPV4 : ipv6 ? IpFamily.IPV6 : null,
        loop ? stream : stream.count(counting ? probes() : 1),
        counting ? Report.Mode.COUNT : Report.Mode.ALIVE,
        display(),
        retries,
        backoff,
        metricsPort == null ? null : new InetSocketAddress(metricsAddress, metricsPort),
        names,
        main,
        interactive && quiet() && splits == null && counting, // the progress line would run into -Q's lines
        counting ? splits : null,
        byAddress);
    return new PingRun(settings, out, err).run();
  }

  /** What to print; fping's -a and -u change nothing in loop mode, nor does -x but for its verdict. */
  Report.Display display() {
    return new Report.Display(quiet(), alive && !loop, unreachable && !loop, elapsed, vcount != null, timestamps,
        reachable == null ? 0 : reachable, reachable != null && !loop);
  }

  /** -q, or -Q, which implies it (-x does not: as -a and -u, it only turns off fping's verbose_flag). */
  private boolean quiet() {
    return quiet || splitInterval != null;
  }

  /** How often -Q prints its summaries: a bare number is seconds, as in fping; at least 1 ms. */
  @Nullable Duration splits() {
    if (splitInterval == null) {
      return null;
    }
    String text = splitInterval.strip();
    Duration every;
    try {
      every = text.matches("\\d+(\\.\\d*)?|\\.\\d+") ? Durations.parse(text + "s") : Durations.parse(text);
    } catch (CommandLine.TypeConversionException e) {
      throw invalid("-Q/--squiet", splitInterval, "must be a number of seconds, or a duration such as 500ms");
    }
    if (every.compareTo(Duration.ofMillis(1)) < 0 || every.compareTo(Duration.ofHours(24)) > 0) {
      throw invalid("-Q/--squiet", splitInterval, "must be at least 1ms and at most 24h");
    }
    return every;
  }

  /** The count of -c or -C, or null without (with -l, or without either). */
  private @Nullable Long probes() {
    return count != null ? count : vcount;
  }

  /**
   * Refuses two different options of one group, as fping does for -c and -l, -4 and -6, -a and
   * -u; one option given twice is fine, its last value counts.
   */
  private void exclusive(String... group) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    List<String> given = Arrays.stream(group).filter(parsed::hasMatchedOption)
        .map(name -> String.join("/", spec.findOption(name).names())).toList();
    if (given.size() > 1) {
      throw new ParameterException(spec.commandLine(), String.join(" and ", given) + " are mutually exclusive (specify only one)");
    }
  }

  /** The engine's options, each value checked by the library; a refusal names the option. */
  PingOptions options() {
    PingOptions options = PingOptions.defaults().policy(policy);
    if (timeout.isZero() || timeout.compareTo(Durations.MAX_TIMEOUT) > 0) {
      throw invalid("-t/--timeout", Durations.format(timeout), "must be more than 0 and at most 1h");
    }
    options = check("-t/--timeout", Durations.format(timeout), options, o -> o.timeout(timeout));
    options = check("-s/--size", String.valueOf(size), options, o -> o.size(size));
    if (ttl != null) {
      int value = ttl;
      options = check("--ttl", String.valueOf(value), options, o -> o.ttl(value));
    }
    if (tos != null) {
      int value = tos;
      options = check("--tos", String.valueOf(value), options, o -> o.tos(value));
    }
    for (InetAddress source : sources) {
      options = check("--source", AddressText.of(source), options, o -> o.source(source));
    }
    if (namespace != null) {
      options = options.namespace(namespace);
    }
    if (interfaceName != null) {
      String name = interfaceName;
      options = check("-I/--iface", name, options, o -> o.interfaceName(name));
    }
    options = options.dontFragment(dontFragment);
    if (retries < 0 || retries > 20) {
      throw invalid("-r/--retry", String.valueOf(retries), "must be in [0, 20]");
    }
    if (!(backoff >= 1 && backoff <= 5)) {
      throw invalid("-B/--backoff", String.valueOf(backoff), "must be in [1, 5]");
    }
    if (reachable != null && reachable < 1) {
      throw invalid("-x/--reachable", String.valueOf(reachable), "must be at least 1");
    }
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
      throw invalid("--metrics-port", String.valueOf(metricsPort), "must be in [0, 65535]");
    }
    return options;
  }

  /** Interval and count, checked by the library. */
  StreamOptions streamOptions() {
    if (period.compareTo(StreamOptions.MIN_INTERVAL) < 0 || period.compareTo(StreamOptions.MAX_INTERVAL) > 0) {
      throw invalid("-p/--period", Durations.format(period), "must be at least 1ms and at most 24h");
    }
    StreamOptions stream = check("-p/--period", Durations.format(period), StreamOptions.defaults(), s -> s.interval(period));
    if (!interval.isZero()) {
      stream = stream.rateLimit(rateOfInterval());
    }
    if (probes() != null && probes() < 1) {
      throw invalid(count != null ? "-c/--count" : "-C/--vcount", String.valueOf(probes()), "must be at least 1");
    }
    return stream;
  }

  /** The library limits a rate of probes per second: the highest whose spacing is at least -i. */
  private int rateOfInterval() {
    long rate = 1_000_000_000L / interval.toNanos();
    if (rate < 1 || rate > StreamOptions.MAX_RATE) {
      throw invalid("-i/--interval", Durations.format(interval), "must be 0, or from 1us to 1s");
    }
    return (int) rate;
  }

  private List<String> names() {
    if (generate) {
      if (file != null) {
        throw new ParameterException(spec.commandLine(), "-g/--generate and -f/--file are mutually exclusive (specify only one)");
      }
      try {
        return AddressRange.expand(targets);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "-g/--generate: " + e.getMessage());
      }
    }
    List<String> names = new ArrayList<>(targets);
    try {
      if (file != null) {
        names.addAll(TargetList.read(file, stdin));
      } else if (targets.isEmpty() && !interactive) {
        names.addAll(TargetList.read("-", stdin));
      }
    } catch (IOException e) {
      throw invalid("-f/--file", String.valueOf(file), "cannot be read: " + e);
    }
    return names;
  }

  private <T> T check(String option, String value, T options, Function<T, T> change) {
    try {
      return change.apply(options);
    } catch (IllegalArgumentException e) {
      throw invalid(option, value, e.getMessage());
    }
  }

  private ParameterException invalid(String option, String value, @Nullable String why) {
    return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': '" + value + "': " + why);
  }

  /** The version of the build, from {@code version.txt}, which Maven fills in. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      String version = "(unknown version)";
      try (InputStream in = PingstreamCli.class.getResourceAsStream("version.txt")) {
        if (in != null) {
          version = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
      }
      return new String[] {
          "pingstream " + version,
          "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }
  }

  /** Parses an IP address literal, never a name: no lookup for an option's value. */
  static final class IpLiteral implements CommandLine.ITypeConverter<InetAddress> {
    @Override
    public InetAddress convert(String text) throws Exception {
      String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
      // Only literals reach InetAddress.getByName, which then parses without a lookup.
      boolean ipv4 = literal.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
      boolean ipv6 = literal.contains(":") && literal.matches("[0-9A-Fa-f:.]+(%\\w+)?");
      if (!ipv4 && !ipv6) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not an IP address");
      }
      try {
        return InetAddress.getByName(literal);
      } catch (IOException e) {
        throw new CommandLine.TypeConversionException("'" + text + "' is not an IP address");
      }
    }
  }
}
