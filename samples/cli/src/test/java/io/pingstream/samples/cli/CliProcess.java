package io.pingstream.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.testing.NetNamespace;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The tool as a user runs it: {@link PingstreamCli#main} in a child JVM, optionally inside a
 * network namespace ({@code ip netns exec}), with SIGINT at its default disposition (a child of
 * a background job would otherwise inherit it ignored, and Ctrl-C could not be tested).
 */
final class CliProcess implements AutoCloseable {

  /** How a run ended. */
  record Run(int exit, String stdout, String stderr, Duration elapsed) {
    List<String> outLines() {
      return stdout.lines().toList();
    }

    List<String> errLines() {
      return stderr.lines().toList();
    }
  }

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final long start;

  private CliProcess(Process process, Path stdout, Path stderr, long start) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.start = start;
  }

  /** Runs the tool with {@code args} to its end (at most 30 s), feeding it {@code stdin}. */
  static Run run(@Nullable NetNamespace namespace, String stdin, String... args) throws Exception {
    try (CliProcess cli = start(namespace, stdin, args)) {
      return cli.await();
    }
  }

  /** Starts the tool; {@link #close()} kills it if it is still running. */
  static CliProcess start(@Nullable NetNamespace namespace, String stdin, String... args) throws IOException {
    List<String> command = command(namespace, args);
    Path out = Files.createTempFile("pingstream-cli", ".out");
    Path err = Files.createTempFile("pingstream-cli", ".err");
    Path in = Files.writeString(Files.createTempFile("pingstream-cli", ".in"), stdin);
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command)
        .redirectInput(in.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    Files.delete(in);
    return new CliProcess(process, out, err, start);
  }

  /** The command line that runs the tool with {@code args}, for a test that starts it itself. */
  static List<String> command(@Nullable NetNamespace namespace, String... args) {
    List<String> command = new ArrayList<>();
    if (namespace != null) {
      command.addAll(List.of("ip", "netns", "exec", namespace.name()));
    }
    command.addAll(List.of("env", "--default-signal=INT",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), PingstreamCli.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** The process id, to signal it. */
  long pid() {
    return process.pid();
  }

  /** What the tool wrote to stderr so far. */
  String stderrSoFar() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** What the tool wrote to stdout so far. */
  String stdoutSoFar() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  /** Sends SIGINT, as Ctrl-C does. */
  void interrupt() throws Exception {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).redirectErrorStream(true).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** Waits for the end, at most 30 s. */
  Run await() throws Exception {
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the tool ended within 30 s").isTrue();
    return new Run(process.exitValue(),
        Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8),
        Duration.ofNanos(System.nanoTime() - start));
  }

  @Override
  public void close() throws IOException {
    process.destroyForcibly();
    for (File file : List.of(stdout.toFile(), stderr.toFile())) {
      Files.deleteIfExists(file.toPath());
    }
  }
}
