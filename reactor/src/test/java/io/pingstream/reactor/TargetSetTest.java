package io.pingstream.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class TargetSetTest {

  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void theTargetsOfOneUpdateAreSpreadEvenlyOverTheInterval() throws Exception {
    var set = new TargetSet(SECOND);
    var starts = set.update(List.of(address(1), address(2), address(3), address(4)));

    assertThat(starts).extracting(TargetSet.Start::target).containsExactly(address(1), address(2), address(3), address(4));
    assertThat(starts).extracting(TargetSet.Start::offset)
        .containsExactly(Duration.ZERO, Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(750));
  }

  @Test
  void anUpdateStartsOnlyNewTargetsAndStopsMissingOnes() throws Exception {
    var set = new TargetSet(SECOND);
    var first = set.update(List.of(address(1), address(2)));

    var second = set.update(List.of(address(2), address(3), address(4)));

    assertThat(second).extracting(TargetSet.Start::target).containsExactly(address(3), address(4));
    assertThat(second).extracting(TargetSet.Start::offset).containsExactly(Duration.ZERO, Duration.ofMillis(500));
    StepVerifier.create(first.get(0).stop()).expectNext(true).expectComplete().verify(Duration.ofSeconds(1));
    StepVerifier.create(first.get(1).stop()).expectSubscription().expectNoEvent(Duration.ofMillis(10)).thenCancel().verify();
    assertThat(set.running()).containsExactlyInAnyOrder(address(2), address(3), address(4));
  }

  @Test
  void duplicatesCountOnce() throws Exception {
    var set = new TargetSet(SECOND);
    assertThat(set.update(List.of(address(1), address(1), address(2)))).extracting(TargetSet.Start::offset)
        .containsExactly(Duration.ZERO, Duration.ofMillis(500));
  }

  @Test
  void oneLinkLocalAddressOnTwoInterfacesIsTwoTargets() throws Exception {
    // Inet6Address.equals ignores the scope: the routers fe80::1 of two links would be one.
    byte[] fe80one = InetAddress.getByName("fe80::1").getAddress();
    var onFirstLink = Inet6Address.getByAddress(null, fe80one, 1);
    var onSecondLink = Inet6Address.getByAddress(null, fe80one, 2);
    var set = new TargetSet(SECOND);

    var first = set.update(List.of(onFirstLink, onSecondLink));
    var second = set.update(List.of(onSecondLink));

    assertThat(first).extracting(start -> ((Inet6Address) start.target()).getScopeId()).containsExactly(1, 2);
    assertThat(second).isEmpty();
    StepVerifier.create(first.get(0).stop()).expectNext(true).expectComplete().verify(Duration.ofSeconds(1));
    assertThat(set.running()).extracting(target -> ((Inet6Address) target).getScopeId()).containsExactly(2);
  }

  @Test
  void anIpv4MappedAddressIsItsIpv4Target() throws Exception {
    // What the engine pings and its results carry: the stream and its metrics must agree.
    var mapped = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1}, -1);
    var set = new TargetSet(SECOND);

    assertThat(set.update(List.of(mapped, address(1)))).extracting(TargetSet.Start::target).containsExactly(address(1));
    assertThat(set.update(List.of(address(1)))).isEmpty();
    assertThat(set.running()).containsExactly(address(1));
  }

  @Test
  void aNullTargetIsRefusedWithAClearMessage() throws Exception {
    var set = new TargetSet(SECOND);
    assertThatThrownBy(() -> set.update(Arrays.asList(address(1), null)))
        .isInstanceOf(NullPointerException.class).hasMessage("targets must not contain null");
  }

  private static InetAddress address(int last) throws Exception {
    return InetAddress.getByName("127.0.0." + last);
  }
}
