package io.pingstream.samples.cli;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A status line rewritten in place on a terminal ({@code \r}, then erase to the end of the
 * line), for quiet runs that would otherwise print nothing until the end. Used only when the
 * JVM has a console, never when output is piped.
 */
final class Progress implements AutoCloseable {

  private static final String ERASE_LINE = "\r\033[K";

  private final PrintStream terminal;
  private final ScheduledExecutorService timer;
  private final Object lock = new Object();
  private boolean closed;

  private Progress(PrintStream terminal, Supplier<String> line) {
    this.terminal = terminal;
    this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "pingstream-progress");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleAtFixedRate(() -> show(line.get()), 1, 1, TimeUnit.SECONDS);
  }

  /** Shows {@code line} every second on {@code terminal} until closed. */
  static Progress start(PrintStream terminal, Supplier<String> line) {
    return new Progress(terminal, line);
  }

  private void show(String text) {
    synchronized (lock) {
      if (!closed) {
        terminal.print(ERASE_LINE + text);
        terminal.flush();
      }
    }
  }

  /** Stops and erases the line, so that what comes next starts on a clean line. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      timer.shutdownNow();
      terminal.print(ERASE_LINE);
      terminal.flush();
    }
  }
}
