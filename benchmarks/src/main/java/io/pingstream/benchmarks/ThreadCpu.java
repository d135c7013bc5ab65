package io.pingstream.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds of this process's threads by role, from {@code /proc/self/task/*\/stat}: the
 * threads that send ({@code main}: the main thread, or Reactor's parallel workers that run the
 * pacing clock), the engine's receive thread, the garbage collector, the JIT
 * and the rest. Threads that ended are not counted.
 */
final class ThreadCpu {

  private static final String[] ROLES = {"main", "receive", "gc", "jit", "other"};

  private ThreadCpu() {}

  /** CPU seconds per role so far. */
  static Map<String, Double> snapshot() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String role : ROLES) {
      seconds.put(role, 0.0);
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        seconds.merge(role(name), cpu, Double::sum);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/task", e);
    }
    return seconds;
  }

  /** Adds {@code cpu_<role>_s} fields: the CPU each role used since {@code before}. */
  static void report(Report report, Map<String, Double> before) {
    Map<String, Double> after = snapshot();
    for (String role : ROLES) {
      report.put("cpu_" + role + "_s", after.get(role) - before.get(role), 2);
    }
  }

  private static String role(String threadName) {
    if (threadName.equals("java") || threadName.equals("main") || threadName.startsWith("parallel-")) {
      return "main";
    }
    if (threadName.startsWith("pingstream-rece")) {
      return "receive";
    }
    if (threadName.startsWith("G1 ") || threadName.startsWith("GC ") || threadName.startsWith("VM Thread")) {
      return "gc";
    }
    if (threadName.startsWith("C1 ") || threadName.startsWith("C2 ")) {
      return "jit";
    }
    return "other";
  }
}
