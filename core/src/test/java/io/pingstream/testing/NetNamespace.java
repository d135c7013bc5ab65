package io.pingstream.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway network namespace for tests, made with {@code ip netns add} and removed on
 * {@link #close()}. Its loopback is up (127.0.0.1 and ::1), so probes sent into it never leave
 * the machine. Needs root (CAP_SYS_ADMIN) and iproute2; nftables for {@link #dropEchoRequests()}.
 *
 * <pre>{@code
 * try (NetNamespace ns = NetNamespace.create().allowDgram()) {
 *   PingOptions options = PingOptions.defaults().namespace(ns.path());
 * }
 * }</pre>
 */
public final class NetNamespace implements AutoCloseable {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Path RUN_NETNS = Path.of("/run/netns");

  private final String name;

  private NetNamespace(String name) {
    this.name = name;
  }

  /** Why namespaces cannot be made here, or null when they can. */
  public static String unavailableReason() {
    if (!Privileges.hasSysAdmin()) {
      return "network namespaces need CAP_SYS_ADMIN, which this process lacks (run the suite as root)";
    }
    if (!Commands.exists("ip")) {
      return "network namespaces need the 'ip' command (Debian package iproute2)";
    }
    return null;
  }

  /** Creates a namespace whose loopback is up. */
  public static NetNamespace create() {
    String name = "pst-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    Commands.run("ip", "netns", "add", name);
    var namespace = new NetNamespace(name);
    try {
      namespace.exec("ip", "link", "set", "lo", "up");
    } catch (RuntimeException e) {
      namespace.close();
      throw e;
    }
    return namespace;
  }

  /** The namespace's name, as {@code ip netns} knows it. */
  public String name() {
    return name;
  }

  /** The namespace file to pass to {@code PingOptions.namespace(..)}. */
  public Path path() {
    return RUN_NETNS.resolve(name);
  }

  /** Lets every group open DGRAM ICMP sockets in this namespace. */
  public NetNamespace allowDgram() {
    return pingGroupRange("0 2147483647");
  }

  /** Forbids DGRAM ICMP sockets to every group, as on the host here. */
  public NetNamespace forbidDgram() {
    return pingGroupRange("1 0");
  }

  /** Sets {@code net.ipv4.ping_group_range} in this namespace. */
  public NetNamespace pingGroupRange(String range) {
    return setUp(() -> sh("echo '" + range + "' > /proc/sys/net/ipv4/ping_group_range"));
  }

  /** Makes every address of the namespace silent: echo requests are dropped on input. */
  public NetNamespace dropEchoRequests() {
    return nft(
        "add table inet pingstream_test",
        "add chain inet pingstream_test input { type filter hook input priority 0 ; }",
        "add rule inet pingstream_test input icmp type echo-request drop",
        "add rule inet pingstream_test input icmpv6 type echo-request drop");
  }

  /**
   * Drops the echo requests to {@code ipv4} only, an address or an nft set ({@code "{ 127.0.0.2,
   * 127.0.0.5 }"}): those targets stay silent, the rest of the loopback answers.
   */
  public NetNamespace dropEchoRequestsTo(String ipv4) {
    return nft(
        "add table inet silent_test",
        "add chain inet silent_test input { type filter hook input priority 0 ; }",
        "add rule inet silent_test input ip daddr " + ipv4 + " icmp type echo-request drop");
  }

  /** Applies nft commands, one per argument, inside the namespace. */
  public NetNamespace nft(String... commands) {
    return setUp(() -> {
      if (!Commands.exists("nft")) {
        throw new IllegalStateException("nftables is not installed");
      }
      for (String command : commands) {
        List<String> argv = new ArrayList<>(List.of("nft"));
        argv.addAll(List.of(command.split(" ")));
        exec(argv.toArray(String[]::new));
      }
    });
  }

  /**
   * Runs a set-up step of {@code create().step()...}: if it fails, deletes the namespace, which
   * no try-with-resources holds yet.
   */
  private NetNamespace setUp(Runnable step) {
    try {
      step.run();
      return this;
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** Runs a shell command inside the namespace; returns its standard output. */
  public String sh(String script) {
    return exec("sh", "-c", script);
  }

  /** Runs a command inside the namespace; returns its standard output. */
  public String exec(String... command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", name));
    argv.addAll(List.of(command));
    return Commands.run(argv.toArray(String[]::new));
  }

  /** Deletes the namespace; sockets opened in it keep it alive until they close. */
  @Override
  public void close() {
    Commands.runQuietly("ip", "netns", "del", name);
  }

  /** Small process helpers shared by the fixtures. */
  public static final class Commands {

    private Commands() {}

    /** Whether {@code program} is on the PATH. */
    public static boolean exists(String program) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
        if (Files.isExecutable(Path.of(dir, program))) {
          return true;
        }
      }
      return Files.isExecutable(Path.of("/usr/sbin", program)) || Files.isExecutable(Path.of("/sbin", program));
    }

    /** Runs a command, fails on a non-zero exit or after 30 s, returns its standard output. */
    public static String run(String... command) {
      try {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        String output;
        try (var stdout = process.getInputStream()) {
          output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + output);
        }
        return output;
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + String.join(" ", command), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
      }
    }

    /** Runs a command and ignores how it ends (cleanup). */
    public static void runQuietly(String... command) {
      try {
        run(command);
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
  }
}
