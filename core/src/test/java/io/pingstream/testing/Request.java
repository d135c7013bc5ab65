package io.pingstream.testing;

import io.pingstream.IpFamily;
import java.net.InetAddress;

/**
 * An echo request as a {@link TunPeer} received it, before any {@link Behaviour} acted on it.
 *
 * @param family IPv4 (ICMP) or IPv6 (ICMPv6)
 * @param source the sender, an address of the namespace's side of the tunnel
 * @param target the peer address it was sent to
 * @param identifier the ICMP identifier (the kernel's port for DGRAM sockets)
 * @param sequence the ICMP sequence number
 * @param ttl the IPv4 TTL or IPv6 hop limit it arrived with
 * @param icmpLength the ICMP message length: header and payload
 * @param index 1 for the first request seen since {@link TunPeer#behave} was last called, then 2,
 *     3, ... over both families
 */
public record Request(
    IpFamily family, InetAddress source, InetAddress target, int identifier, int sequence, int ttl, int icmpLength, long index) {}
