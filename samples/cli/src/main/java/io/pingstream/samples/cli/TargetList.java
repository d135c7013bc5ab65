package io.pingstream.samples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads target names, one per line, as {@code fping -f} does: leading and trailing blanks are
 * ignored, and so are blank lines and lines starting with {@code #}; the first word of a line is
 * the target, so a line may end with a comment.
 */
final class TargetList {

  private TargetList() {}

  /** The targets of {@code file}, or of {@code stdin} when {@code file} is {@code -}. */
  static List<String> read(String file, InputStream stdin) throws IOException {
    if (file.equals("-")) {
      return read(new InputStreamReader(stdin, StandardCharsets.UTF_8));
    }
    try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      return read(reader);
    }
  }

  /** The targets of {@code reader}, which is read to its end and not closed. */
  static List<String> read(Reader reader) throws IOException {
    var lines = new BufferedReader(reader);
    List<String> targets = new ArrayList<>();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      targets.add(trimmed.split("\\s+", 2)[0]);
    }
    return targets;
  }
}
