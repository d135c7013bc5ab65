package io.pingstream.benchmarks;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults; unknown names are refused. */
final class Args {

  private final Map<String, String> values = new HashMap<>();
  private final Map<String, String> used = new HashMap<>();

  Args(String[] args) {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("options come in pairs: --name value");
    }
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name, was " + args[i]);
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
  }

  int integer(String name, int defaultValue) {
    return Integer.parseInt(string(name, Integer.toString(defaultValue)));
  }

  String string(String name, String defaultValue) {
    String value = values.getOrDefault(name, defaultValue);
    used.put(name, value);
    return value;
  }

  /** Refuses options no getter asked for; call after reading them all. */
  void done() {
    for (String name : values.keySet()) {
      if (!used.containsKey(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + used.keySet());
      }
    }
  }
}
