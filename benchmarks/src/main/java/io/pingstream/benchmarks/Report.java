package io.pingstream.benchmarks;

import java.util.Locale;

/** One machine-readable line: {@code RESULT scenario=.. tool=pingstream key=value ...}. */
final class Report {

  private final StringBuilder line = new StringBuilder("RESULT");

  Report(String scenario) {
    this(scenario, "pingstream");
  }

  Report(String scenario, String tool) {
    put("scenario", scenario).put("tool", tool);
  }

  Report put(String key, Object value) {
    line.append(' ').append(key).append('=').append(value);
    return this;
  }

  Report put(String key, double value, int decimals) {
    return put(key, String.format(Locale.ROOT, "%." + decimals + "f", value));
  }

  void print() {
    System.out.println(line);
  }
}
