package io.pingstream.samples.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pingstream.AddressText;
import io.pingstream.IpFamily;
import io.pingstream.PingOptions;
import io.pingstream.PingOutcome;
import io.pingstream.PingResult;
import io.pingstream.ProbeSettings;
import io.pingstream.micrometer.PingEngineMetrics;
import io.pingstream.micrometer.PingMetrics;
import io.pingstream.reactor.AddressPreference;
import io.pingstream.reactor.Pinger;
import io.pingstream.reactor.StreamOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;

/**
 * One run of the tool, once the command line is understood: resolve, open the sockets, serve
 * the meters, ping, print, and end with the exit status. System errors (no socket, a port in
 * use) end it with {@link ExitStatus#SYSTEM} and a one-line message, never a stack trace.
 */
final class PingRun {

  /**
   * What to do.
   *
   * @param options the engine's options, without the recorder (added here for the meters)
   * @param preference which address a name resolves to
   * @param only the only family to ping ({@code -4}/{@code -6}), or null
   * @param stream interval and count
   * @param mode fping's default mode or its count mode
   * @param display what to print besides the summary
   * @param retries without {@code -c}, how many more probes a silent target gets
   * @param backoff the factor by which each retry's timeout grows
   * @param metrics where to serve the meters, or null
   * @param names the targets as given
   * @param onInterrupt whether Ctrl-C prints the summary and exits (a shutdown hook), as in main
   * @param progress whether to show a progress line (quiet runs on a terminal)
   * @param splits how often to print each target's summary of the latest probes ({@code -Q}), or
   *     null
   * @param byAddress show each target by its address rather than as given ({@code -A})
   */
  record Settings(
      PingOptions options,
      AddressPreference preference,
      @Nullable IpFamily only,
      StreamOptions stream,
      Report.Mode mode,
      Report.Display display,
      int retries,
      double backoff,
      @Nullable InetSocketAddress metrics,
      List<String> names,
      boolean onInterrupt,
      boolean progress,
      @Nullable Duration splits,
      boolean byAddress) {}

  private final Settings settings;
  private final PrintStream out;
  private final PrintStream err;

  PingRun(Settings settings, PrintStream out, PrintStream err) {
    this.settings = settings;
    this.out = out;
    this.err = err;
  }

  /** Runs to the end (or to Ctrl-C, which halts the JVM from the hook) and returns the exit status. */
  int run() {
    PrometheusMeterRegistry registry = settings.metrics == null ? null : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PingOptions options = registry == null ? settings.options : settings.options.recorder(PingMetrics.recorder(registry));
    try (Pinger pinger = Pinger.create(options, settings.preference)) {
      TargetResolver.Resolved resolved = new TargetResolver(pinger, settings.only, err).resolve(settings.names);
      int failed = resolved.failures() ? ExitStatus.USAGE : ExitStatus.OK;
      if (resolved.targets().isEmpty()) {
        return failed == ExitStatus.OK ? ExitStatus.USAGE : failed;
      }
      open(pinger, resolved.targets());
      MetricsEndpoint endpoint = registry == null ? null : serve(pinger, registry);
      try {
        return ping(pinger, resolved.targets(), failed);
      } finally {
        if (endpoint != null) {
          endpoint.close();
        }
      }
    } catch (SystemError e) {
      err.println("pingstream: " + e.getMessage());
      return ExitStatus.SYSTEM;
    } catch (UnsupportedOperationException e) { // not Linux, or no libc
      err.println("pingstream: " + e.getMessage());
      return ExitStatus.SYSTEM;
    }
  }

  /** Opens the socket of every family needed now, so that a missing permission ends the run at once. */
  private static void open(Pinger pinger, List<Report.Target> targets) {
    Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
    targets.forEach(target -> families.add(IpFamily.of(target.address())));
    for (IpFamily family : families) {
      try {
        pinger.engine().open(family);
      } catch (IOException e) {
        throw new SystemError(e.getMessage());
      }
    }
  }

  private MetricsEndpoint serve(Pinger pinger, PrometheusMeterRegistry registry) {
    new PingEngineMetrics(pinger.engine()).bindTo(registry);
    InetSocketAddress at = settings.metrics;
    try {
      MetricsEndpoint endpoint = MetricsEndpoint.start(at.getAddress(), at.getPort(), registry);
      err.println("pingstream: serving metrics at " + endpoint.url());
      return endpoint;
    } catch (IOException e) {
      throw new SystemError("cannot serve metrics on " + AddressText.of(at.getAddress()) + " port " + at.getPort() + ": " + e.getMessage());
    }
  }

  private int ping(Pinger pinger, List<Report.Target> resolved, int failed) {
    List<Report.Target> targets = settings.byAddress
        ? resolved.stream().map(target -> new Report.Target(AddressText.of(target.address()), target.address(), target.names())).toList()
        : resolved;
    var report = new Report(targets, settings.mode, settings.display, out, err);
    Progress progress = settings.progress ? Progress.start(err, report::progress) : null;
    if (settings.onInterrupt) {
      Runtime.getRuntime().addShutdownHook(new Thread(
          () -> interrupted(report, progress, failed).ifPresent(Runtime.getRuntime()::halt), "pingstream-summary"));
    }
    List<InetAddress> addresses = targets.stream().map(Report.Target::address).toList();
    Disposable duplicates = pinger.engine().results()
        .filter(result -> result.outcome() == PingOutcome.DUPLICATE)
        .subscribe(report::duplicate);
    Disposable splits = settings.splits == null ? Disposables.disposed()
        : Flux.interval(settings.splits, settings.splits).subscribe(tick -> report.printSplits(LocalTime.now()));
    try {
      Flux<PingResult> results = settings.mode == Report.Mode.ALIVE
          ? untilAlive(pinger, addresses, 0)
          : pinger.pingAll(addresses, settings.stream);
      // A closed stdout (| head) ends the run at once: takeWhile cancels the probes.
      results.doOnNext(report::result).takeWhile(result -> !report.outputBroken()).blockLast();
    } catch (RuntimeException e) {
      Throwable cause = Exceptions.unwrap(e);
      throw new SystemError(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    } finally {
      splits.dispose();
      duplicates.dispose();
      if (progress != null) {
        progress.close();
      }
    }
    report.finish();
    return status(report, failed);
  }

  /**
   * What Ctrl-C (or SIGTERM) does, from the shutdown hook: stops and erases the progress line,
   * whose timer could otherwise draw again, so that the summary starts on a clean line; then
   * prints the summary and returns fping's status to halt with. Empty when the run had ended
   * and printed its summary already.
   */
  static OptionalInt interrupted(Report report, @Nullable Progress progress, int failed) {
    if (progress != null) {
      progress.close();
    }
    return report.finish() ? OptionalInt.of(status(report, failed)) : OptionalInt.empty();
  }

  /**
   * The report's status, unless a target failed to resolve (2) and there is no {@code -x} verdict
   * (fping exits 0 or 1 by it regardless); a broken pipe wins (141).
   */
  static int status(Report report, int failed) {
    int status = report.exitStatus();
    return failed == ExitStatus.OK || status == ExitStatus.BROKEN_PIPE || report.hasVerdict() ? status : failed;
  }

  /**
   * fping's default mode: a probe to each target, then, {@code retries} times, one more to each
   * target that has not answered yet, each round's timeout {@code backoff} times the last one's.
   * As in fping, a target whose probe could not be sent is not retried.
   */
  private Flux<PingResult> untilAlive(Pinger pinger, List<InetAddress> targets, int attempt) {
    Set<AddressKey> done = ConcurrentHashMap.newKeySet();
    ProbeSettings probe = settings.options.probeSettings();
    Duration timeout = Durations.scaledTimeout(probe.timeout(), Math.pow(settings.backoff, attempt));
    Flux<PingResult> round = pinger.pingAll(targets, settings.stream.probeSettings(probe.timeout(timeout)))
        .doOnNext(result -> {
          if (result.outcome() == PingOutcome.REPLY || Report.isSendFailure(result)) {
            done.add(AddressKey.of(result.target()));
          }
        });
    if (attempt == settings.retries) {
      return round;
    }
    return round.concatWith(Flux.defer(() -> {
      List<InetAddress> silent = targets.stream().filter(target -> !done.contains(AddressKey.of(target))).toList();
      return silent.isEmpty() ? Flux.empty() : untilAlive(pinger, silent, attempt + 1);
    }));
  }

  /** A failure of the system, not of the user's input: printed as one line, exit status 4. */
  private static final class SystemError extends RuntimeException {
    SystemError(@Nullable String message) {
      super(message, null, false, false);
    }
  }
}
