package io.pingstream.samples;

import io.pingstream.PingOptions;
import io.pingstream.SelectionPolicy;
import io.pingstream.reactor.Pinger;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Pings one address once over an unprivileged DGRAM socket and prints the RTT in seconds, or
 * {@code None} on timeout: Gufo Ping's {@code examples/dgram.py}, in Java.
 *
 * <pre>java -cp samples/target/pingstream.jar io.pingstream.samples.DgramExample 127.0.0.1</pre>
 */
public final class DgramExample {

  private DgramExample() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: DgramExample ADDRESS");
      System.exit(2);
    }
    try (Pinger pinger = Pinger.create(PingOptions.defaults().policy(SelectionPolicy.DGRAM))) {
      Optional<Duration> rtt = pinger.ping(args[0]).block();
      System.out.println(rtt.map(DgramExample::seconds).orElse("None"));
    } catch (RuntimeException e) {
      System.err.println("DgramExample: " + rootCause(e).getMessage());
      System.exit(1);
    }
  }

  /** The RTT in seconds, {@code 0.000019726}: with a decimal point in every locale, as Python prints it. */
  static String seconds(Duration rtt) {
    return String.format(Locale.ROOT, "%.9f", rtt.toNanos() / 1e9);
  }

  static Throwable rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
