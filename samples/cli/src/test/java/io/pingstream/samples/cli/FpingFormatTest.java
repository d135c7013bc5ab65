package io.pingstream.samples.cli;

import static io.pingstream.samples.cli.Results.LOOPBACK;
import static io.pingstream.samples.cli.Results.LOOPBACK6;
import static io.pingstream.samples.cli.Results.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.pingstream.ErrorKind;
import io.pingstream.IcmpErrorException;
import io.pingstream.PingResult;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lines match what fping 5.1 prints, character for character, where fping has the line. */
class FpingFormatTest {

  @ParameterizedTest
  @CsvSource({
      "13000, 0.013",
      "50, 0.000",
      "999499, 0.999",
      "1234000, 1.23",
      "12345000, 12.3",
      "123456000, 123",
      "999999000000, 999999",
      "1234567000000, 1.235e+06"})
  void printsMillisecondsWithThreeSignificantDigitsAsFping5(long nanos, String text) {
    assertThat(FpingFormat.millis(nanos)).isEqualTo(text);
  }


  @Test
  void printsAnIcmpv6ErrorWithTheReportersAddressAsFping() {
    PingResult error = PingResult.error(address("fd00::3"), 1, Instant.EPOCH,
        new IcmpErrorException(ErrorKind.DESTINATION_UNREACHABLE, 1, 3, address("fd00::1")));

    assertThat(FpingFormat.error("fd00::3", error))
        .isEqualTo("ICMPv6 Destination Unreachable (Address Unreachable) from fd00::1 for ICMP Echo sent to fd00::3");
  }

  @Test
  void printsAReplyAsFping() {
    var tally = new TargetTally();
    PingResult reply = Results.reply(LOOPBACK, 7, 13);
    tally.add(reply);

    // fping -c 3 127.0.0.1, first line
    assertThat(FpingFormat.reply("127.0.0.1", 0, reply, tally)).isEqualTo("127.0.0.1 : [0], 64 bytes, 0.013 ms (0.013 avg, 0% loss)");
  }

  @Test
  void aReplyLineCarriesTheRunningAverageAndTheLossSoFar() {
    var tally = new TargetTally();
    tally.add(Results.reply(LOOPBACK, 1, 10));
    tally.add(Results.timeout(LOOPBACK, 2));
    PingResult third = Results.reply(LOOPBACK, 3, 30, 44);
    tally.add(third);

    assertThat(FpingFormat.reply("127.0.0.1", 2, third, tally)).isEqualTo("127.0.0.1 : [2], 44 bytes, 0.030 ms (0.020 avg, 33% loss)");
  }

  @Test
  void printsATimeoutAsFping() {
    var tally = new TargetTally();
    tally.add(Results.timeout(LOOPBACK, 1));

    // fping -c 3 to a silent 127.0.0.1
    assertThat(FpingFormat.timeout("127.0.0.1", 0, tally)).isEqualTo("127.0.0.1 : [0], timed out (NaN avg, 100% loss)");

    tally.add(Results.reply(LOOPBACK, 2, 50));
    tally.add(Results.reply(LOOPBACK, 3, 50));
    tally.add(Results.timeout(LOOPBACK, 4));
    assertThat(FpingFormat.timeout("127.0.0.1", 3, tally)).isEqualTo("127.0.0.1 : [3], timed out (0.050 avg, 50% loss)");
  }

  @Test
  void printsADuplicateAsFping() {
    assertThat(FpingFormat.duplicate("127.0.0.1", 4, Results.duplicate(LOOPBACK, 9, 80)))
        .isEqualTo("127.0.0.1 : duplicate for [4], 64 bytes, 0.080 ms");
  }

  @Test
  void printsAnIcmpErrorAsFping() {
    // fping -c 2 127.0.0.1 behind "reject with icmp type host-unreachable"
    assertThat(FpingFormat.error("127.0.0.1", Results.hostUnreachable(LOOPBACK, 1, "127.0.0.1")))
        .isEqualTo("ICMP Host Unreachable from 127.0.0.1 for ICMP Echo sent to 127.0.0.1");
  }

  @Test
  void namesIcmpErrorsOfBothFamilies() {
    assertThat(FpingFormat.icmpError(icmp(ErrorKind.DESTINATION_UNREACHABLE, 3, 13), false))
        .isEqualTo("ICMP Unreachable (Communication Administratively Prohibited)");
    assertThat(FpingFormat.icmpError(icmp(ErrorKind.DESTINATION_UNREACHABLE, 3, 99), false)).isEqualTo("ICMP Unreachable (code 99)");
    assertThat(FpingFormat.icmpError(icmp(ErrorKind.TIME_EXCEEDED, 11, 0), false)).isEqualTo("ICMP Time Exceeded");
    assertThat(FpingFormat.icmpError(icmp(ErrorKind.DESTINATION_UNREACHABLE, 1, 3), true))
        .isEqualTo("ICMPv6 Destination Unreachable (Address Unreachable)");
    assertThat(FpingFormat.icmpError(icmp(ErrorKind.PACKET_TOO_BIG, 2, 0), true)).isEqualTo("ICMPv6 Packet Too Big");
    assertThat(FpingFormat.icmpError(icmp(ErrorKind.TIME_EXCEEDED, 3, 0), true)).isEqualTo("ICMPv6 Time Exceeded");
  }

  @Test
  void printsASendFailureAsFpingWithTheSystemCallsError() {
    assertThat(FpingFormat.error("10.9.9.1", Results.noRoute(address("10.9.9.1"), 1)))
        .isEqualTo("10.9.9.1: error while sending ping: sendto(..) failed for 10.9.9.1: EHOSTUNREACH (113) No route to host");
  }

  @Test
  void theSummaryStartsWithFpingsLineByteForByteThenAddsStddevAndJitter() {
    var tally = new TargetTally();
    tally.add(Results.reply(LOOPBACK, 1, 13));
    tally.add(Results.reply(LOOPBACK, 2, 24));
    tally.add(Results.reply(LOOPBACK, 3, 15));

    String fping = "127.0.0.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.013/0.017/0.024"; // fping -c 3 127.0.0.1
    assertThat(FpingFormat.summary("127.0.0.1", tally))
        .startsWith(fping)
        .isEqualTo(fping + ", stddev/jitter = 0.005/0.010");
  }

  @Test
  void theSummaryOfASilentTargetIsFpingsExactly() {
    var tally = new TargetTally();
    tally.add(Results.timeout(LOOPBACK, 1));
    tally.add(Results.timeout(LOOPBACK, 2));
    tally.add(Results.timeout(LOOPBACK, 3));

    assertThat(FpingFormat.summary("127.0.0.1", tally)).isEqualTo("127.0.0.1 : xmt/rcv/%loss = 3/0/100%");
  }

  @Test
  void jitterNeedsTwoReplies() {
    var tally = new TargetTally();
    tally.add(Results.reply(LOOPBACK6, 1, 21));
    tally.add(Results.noRoute(LOOPBACK6, 2));

    assertThat(FpingFormat.summary(FpingFormat.pad("::1", 9), tally))
        .isEqualTo("::1       : xmt/rcv/%loss = 2/1/50%, min/avg/max = 0.021/0.021/0.021, stddev/jitter = 0.000/NaN");
  }

  @Test
  void padsNamesAsFping() {
    assertThat(FpingFormat.pad("::1", 9)).isEqualTo("::1      ");
    assertThat(FpingFormat.pad("127.0.0.1", 9)).isEqualTo("127.0.0.1");
    assertThat(FpingFormat.pad("example.com", 3)).isEqualTo("example.com");
  }

  @Test
  void saysAliveOrUnreachableAsFping() {
    assertThat(FpingFormat.alive("127.0.0.1")).isEqualTo("127.0.0.1 is alive");
    assertThat(FpingFormat.unreachable("10.9.9.1")).isEqualTo("10.9.9.1 is unreachable");
  }

  private static IcmpErrorException icmp(ErrorKind kind, int type, int code) {
    return new IcmpErrorException(kind, type, code, LOOPBACK);
  }
}
