package io.pingstream.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Skips the calling test, with the reason, when the machine cannot run it. */
public final class Requirements {

  private Requirements() {}

  /** RAW sockets: CAP_NET_RAW. */
  public static void requireRaw() {
    String reason = Privileges.rawUnavailableReason();
    assumeTrue(reason == null, reason);
  }

  /** Network namespaces: CAP_SYS_ADMIN and iproute2. */
  public static void requireNamespaces() {
    String reason = NetNamespace.unavailableReason();
    assumeTrue(reason == null, reason);
  }

  /** Namespaces with a TUN device in them ({@link TunPeer}): CAP_NET_ADMIN and /dev/net/tun. */
  public static void requireTun() {
    requireNamespaces();
    assumeTrue(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun is missing (modprobe tun)");
  }

  /** Namespaces with nftables rules. */
  public static void requireNftables() {
    requireNamespaces();
    assumeTrue(NetNamespace.Commands.exists("nft"), "nftables is not installed (Debian package nftables)");
  }
}
