package io.pingstream.samples;

import io.pingstream.PingEngine;
import io.pingstream.PingOptions;
import io.pingstream.PingResult;
import io.pingstream.SelectionPolicy;
import java.net.InetAddress;
import java.util.concurrent.CompletionException;

/**
 * Pings one address once and prints the RTT in seconds, or {@code None} on timeout.
 *
 * <pre>java -jar samples/target/pingstream.jar 127.0.0.1 [RAW|RAW_DGRAM|DGRAM_RAW|DGRAM]</pre>
 */
public final class PingOnce {

  private PingOnce() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: pingstream ADDRESS [RAW|RAW_DGRAM|DGRAM_RAW|DGRAM]");
      System.exit(2);
    }
    var options = PingOptions.defaults();
    if (args.length == 2) {
      options = options.policy(SelectionPolicy.valueOf(args[1]));
    }
    try (var engine = PingEngine.create(options)) {
      PingResult result = engine.ping(InetAddress.getByName(args[0])).join();
      System.out.println(result.rtt().map(rtt -> String.format("%.9f", rtt.toNanos() / 1e9)).orElse("None"));
    } catch (CompletionException e) {
      System.err.println("pingstream: " + e.getCause().getMessage());
      System.exit(1);
    }
  }
}
