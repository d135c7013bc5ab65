package io.pingstream.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code -g}'s ranges, checked against what fping 5.1 generates where fping takes them. */
class AddressRangeTest {

  @Test
  void anIpv4BlockLeavesOutItsNetworkAndBroadcastAddressesAsFping() {
    assertThat(AddressRange.expand(List.of("127.1.0.0/30"))).containsExactly("127.1.0.1", "127.1.0.2");
    assertThat(AddressRange.expand(List.of("10.0.0.0/24"))).hasSize(254).startsWith("10.0.0.1").endsWith("10.0.0.254");
  }

  @Test
  void slash31And32KeepEveryAddressAsFping() {
    assertThat(AddressRange.expand(List.of("127.1.0.0/31"))).containsExactly("127.1.0.0", "127.1.0.1");
    assertThat(AddressRange.expand(List.of("127.1.0.5/32"))).containsExactly("127.1.0.5");
  }

  @Test
  void hostBitsOfTheBlockAreIgnoredAsFping() {
    assertThat(AddressRange.expand(List.of("127.1.0.7/29"))).containsExactly(
        "127.1.0.1", "127.1.0.2", "127.1.0.3", "127.1.0.4", "127.1.0.5", "127.1.0.6");
  }

  @Test
  void aFirstAndLastAddressIncludeBoth() {
    assertThat(AddressRange.expand(List.of("127.1.0.254", "127.1.1.1"))).containsExactly(
        "127.1.0.254", "127.1.0.255", "127.1.1.0", "127.1.1.1");
  }

  @Test
  void ipv6BlocksAndRangesKeepEveryAddressWrittenAsInetNtop() {
    assertThat(AddressRange.expand(List.of("fd00::ff/126"))).containsExactly("fd00::fc", "fd00::fd", "fd00::fe", "fd00::ff");
    assertThat(AddressRange.expand(List.of("::1/128"))).containsExactly("::1");
    assertThat(AddressRange.expand(List.of("fd00::ffff", "fd00::1:1"))).containsExactly("fd00::ffff", "fd00::1:0", "fd00::1:1");
  }

  @Test
  void theLargestRangesFitAndOneMoreIsRefused() {
    assertThat(AddressRange.expand(List.of("10.0.0.0/15"))).hasSize(AddressRange.MAX_ADDRESSES - 2);
    assertThat(AddressRange.expand(List.of("fd00::/111"))).hasSize(AddressRange.MAX_ADDRESSES).endsWith("fd00::1:ffff");
    assertThatThrownBy(() -> AddressRange.expand(List.of("10.0.0.0", "10.2.0.0")))
        .hasMessage("10.0.0.0 to 10.2.0.0 has 131073 addresses; -g makes at most 131072");
    assertThatThrownBy(() -> AddressRange.expand(List.of("10.0.0.0/8")))
        .hasMessage("10.0.0.0/8 has 16777214 addresses; -g makes at most 131072");
  }

  @Test
  void whatIsNotARangeIsRefusedWithTheReason() {
    assertThatThrownBy(() -> AddressRange.expand(List.of("127.1.0.1"))).hasMessageContaining("one CIDR block");
    assertThatThrownBy(() -> AddressRange.expand(List.of("127.1.0.1", "127.1.0.2", "127.1.0.3"))).hasMessageContaining("one CIDR block");
    assertThatThrownBy(() -> AddressRange.expand(List.of())).hasMessageContaining("one CIDR block");
    assertThatThrownBy(() -> AddressRange.expand(List.of("127.1.0.0/0"))).hasMessage("127.1.0.0/0: the prefix length must be from 1 to 32");
    assertThatThrownBy(() -> AddressRange.expand(List.of("127.1.0.0/33"))).hasMessage("127.1.0.0/33: the prefix length must be from 1 to 32");
    assertThatThrownBy(() -> AddressRange.expand(List.of("::/129"))).hasMessage("::/129: the prefix length must be from 1 to 128");
    assertThatThrownBy(() -> AddressRange.expand(List.of("127.1.0.0/x"))).hasMessageContaining("prefix length");
    assertThatThrownBy(() -> AddressRange.expand(List.of("localhost/30"))).hasMessage("'localhost' is not an IP address (-g takes no names)");
    assertThatThrownBy(() -> AddressRange.expand(List.of("127.1.0.3", "127.1.0.1")))
        .hasMessage("the first address 127.1.0.3 comes after the last 127.1.0.1");
    assertThatThrownBy(() -> AddressRange.expand(List.of("127.1.0.1", "::1"))).hasMessage("127.1.0.1 and ::1 are of different families");
    assertThatThrownBy(() -> AddressRange.expand(List.of("fe80::1%lo/126"))).hasMessageContaining("no zone");
  }

  @Test
  void anIpv4MappedIpv6BlockIsIpv6AsWritten() {
    assertThat(AddressRange.expand(List.of("::ffff:127.1.0.0/120"))).hasSize(256)
        .startsWith("::ffff:127.1.0.0", "::ffff:127.1.0.1").endsWith("::ffff:127.1.0.255");
    assertThat(AddressRange.expand(List.of("::ffff:127.1.0.1", "::ffff:127.1.0.2"))).containsExactly("::ffff:127.1.0.1", "::ffff:127.1.0.2");
    assertThatThrownBy(() -> AddressRange.expand(List.of("::ffff:127.1.0.0/30")))
        .hasMessage("::ffff:127.1.0.0/30 has 316912650057057350374175801344 addresses; -g makes at most 131072");
    assertThatThrownBy(() -> AddressRange.expand(List.of("127.1.0.1", "::ffff:127.1.0.2")))
        .hasMessage("127.1.0.1 and ::ffff:127.1.0.2 are of different families");
  }
}
