package io.pingstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Addresses in messages and labels are written as inet_ntop writes them, not in the JDK's long IPv6 form. */
class AddressTextTest {

  /** Each expected text is what glibc's inet_ntop prints for the address (Python's socket.inet_ntop here). */
  @ParameterizedTest
  @CsvSource({
      "127.0.0.1,                               127.0.0.1",
      "0:0:0:0:0:0:0:1,                         ::1",
      "0:0:0:0:0:0:0:0,                         ::",
      "FD00:0:0:0:0:0:0:3,                      fd00::3",
      "2001:0DB8:00AB:0000:0000:0000:0000:0001, 2001:db8:ab::1",
      "1:0:0:0:0:0:0:0,                         1::",
      "0:0:1:0:0:0:0:0,                         0:0:1::",
      "1:0:0:2:0:0:0:3,                         1:0:0:2::3",
      "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1,                    2001:db8:0:1:1:1:1:1",
      "1:0:1:0:1:0:1:0,                         1:0:1:0:1:0:1:0",
      "0:0:0:0:0:0:0:ffff,                      ::ffff",
      "0:0:0:0:0:0:102:304,                     ::1.2.3.4",
      "0:0:0:0:0:0:2:3,                         ::0.2.0.3",
      "0:0:0:0:ffff:0:102:304,                  ::ffff:0:102:304",
      "fe80:0:0:0:0:0:0:1%1,                    fe80::1%1"})
  void printsAnAddressAsInetNtopDoes(String literal, String text) throws UnknownHostException {
    assertThat(AddressText.of(address(literal))).isEqualTo(text);
  }

  @Test
  void printsAnIpv4MappedAddressWithItsDottedQuadAsInetNtopDoes() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4};
    // InetAddress.getByAddress makes an Inet4Address of it; Inet6Address keeps it mapped.
    assertThat(AddressText.of(Inet6Address.getByAddress(null, mapped, -1))).isEqualTo("::ffff:1.2.3.4");
  }

  @Test
  void messagesWriteAddressesThisWay() throws Exception {
    assertThat(new IcmpErrorException(ErrorKind.DESTINATION_UNREACHABLE, 1, 3, address("fd00::1")))
        .hasMessageEndingWith("(type 1, code 3) from fd00::1");
    assertThat(new TargetRefusedException(address("ff02::1"), "a multicast address cannot be matched to its replies"))
        .hasMessage("cannot ping ff02::1: a multicast address cannot be matched to its replies");
    assertThat(PingResult.timeout(address("::1"), 7, Instant.EPOCH).toString()).startsWith("PingResult{::1 seq=7");
  }

  private static InetAddress address(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }
}
