package io.pingstream.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetListTest {

  private static final String LIST = "# routers\n\n  127.0.0.1  \n::1 # loopback, IPv6\n\t\n  # indented comment\nlocalhost\n";

  @Test
  void takesTheFirstWordOfEachLineAndSkipsBlanksAndComments() throws Exception {
    assertThat(TargetList.read(new StringReader(LIST))).containsExactly("127.0.0.1", "::1", "localhost");
  }

  @Test
  void readsAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("hosts.txt"), LIST);

    assertThat(TargetList.read(file.toString(), InputStreamFails.INSTANCE)).containsExactly("127.0.0.1", "::1", "localhost");
  }

  @Test
  void readsStandardInputForADash() throws Exception {
    var stdin = new ByteArrayInputStream(LIST.getBytes(StandardCharsets.UTF_8));

    assertThat(TargetList.read("-", stdin)).containsExactly("127.0.0.1", "::1", "localhost");
  }

  @Test
  void anEmptyListHasNoTargets() throws Exception {
    assertThat(TargetList.read(new StringReader(""))).isEmpty();
  }

  /** Standard input that must not be read. */
  private static final class InputStreamFails extends java.io.InputStream {
    static final InputStreamFails INSTANCE = new InputStreamFails();

    @Override
    public int read() {
      throw new AssertionError("standard input was read");
    }
  }
}
