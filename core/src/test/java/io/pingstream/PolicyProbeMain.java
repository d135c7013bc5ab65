package io.pingstream;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Child-process entry of {@link SelectionPolicyTest}: pings 127.0.0.1 with a policy, prints what happened. */
public final class PolicyProbeMain {

  private PolicyProbeMain() {}

  public static void main(String[] args) throws Exception {
    var options = PingOptions.defaults().namespace(Path.of(args[0])).policy(SelectionPolicy.valueOf(args[1]));
    try (var engine = PingEngine.create(options)) {
      PingResult result = engine.ping(InetAddress.getByName("127.0.0.1")).get(10, TimeUnit.SECONDS);
      System.out.println("mode=" + engine.socketMode(IpFamily.IPV4).orElseThrow() + " outcome=" + result.outcome());
    } catch (ExecutionException e) {
      System.out.println(e.getCause().getMessage());
    }
  }
}
