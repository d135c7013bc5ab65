package io.pingstream.reactor;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Turns a host name or IP literal into its addresses. Literals are parsed on the subscriber's
 * thread without any lookup; names are looked up on a scheduler meant for blocking calls, since
 * {@link InetAddress#getAllByName(String)} blocks.
 */
final class HostResolver {

  private static final Pattern IPV4_LITERAL =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /** A blocking name lookup; {@link InetAddress#getAllByName(String)} in production. */
  @FunctionalInterface
  interface Lookup {
    InetAddress[] lookup(String host) throws UnknownHostException;
  }

  private final AddressPreference preference;
  private final Lookup lookup;
  private final Scheduler blocking;

  HostResolver(AddressPreference preference, Lookup lookup, Scheduler blocking) {
    this.preference = preference;
    this.lookup = lookup;
    this.blocking = blocking;
  }

  /**
   * A cold {@code Mono} of the address of {@code host}, chosen by the preference; an {@link
   * UnknownHostException} naming the host when there is none.
   *
   * @throws IllegalArgumentException when {@code host} is blank (the JDK would answer loopback)
   */
  Mono<InetAddress> resolve(String host) {
    return resolveAll(host).map(addresses -> addresses.get(0));
  }

  /**
   * A cold {@code Mono} of every address of {@code host}, those of the preferred family first,
   * each family in the name service's order; never empty.
   *
   * @throws IllegalArgumentException when {@code host} is blank (the JDK would answer loopback)
   */
  Mono<List<InetAddress>> resolveAll(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (isLiteral(host)) {
      // The JDK parses these itself and never asks a resolver; its errors need not name the host
      // (an unknown zone: "no such interface bogus0").
      return Mono.fromCallable(() -> List.of(parseNamingHost(host)));
    }
    return Mono.defer(() -> {
      // A lookup cannot be interrupted: one whose subscriber left (a timeout) still ends, and its
      // failure would reach Reactor as a dropped error, logged at ERROR with a stack trace.
      var abandoned = new AtomicBoolean();
      return Mono.fromCallable(() -> {
        try {
          return preferredFirst(host, lookupNamingHost(host));
        } catch (Exception e) {
          if (abandoned.get()) {
            return null; // nobody waits: complete empty, unseen
          }
          throw e;
        }
      }).subscribeOn(blocking).doOnCancel(() -> abandoned.set(true));
    });
  }

  /**
   * Whether the JDK treats {@code host} as an IP literal: a dotted quad, or (as in {@code
   * InetAddress.getAllByName}) something with a colon that starts like an IPv6 address.
   */
  static boolean isLiteral(String host) {
    if (IPV4_LITERAL.matcher(host).matches()) {
      return true;
    }
    char first = host.charAt(0);
    return host.indexOf(':') >= 0 && (first == '[' || first == ':' || Character.digit(first, 16) >= 0);
  }

  private static InetAddress parseNamingHost(String host) throws UnknownHostException {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw namingHost(host, e);
    }
  }

  private InetAddress[] lookupNamingHost(String host) throws UnknownHostException {
    try {
      return lookup.lookup(host);
    } catch (UnknownHostException e) {
      throw namingHost(host, e);
    }
  }

  /** {@code e} if its message names {@code host}, else an exception that does, caused by it. */
  private static UnknownHostException namingHost(String host, UnknownHostException e) {
    if (e.getMessage() != null && e.getMessage().contains(host)) {
      return e;
    }
    var named = new UnknownHostException(host + ": " + e.getMessage());
    named.initCause(e);
    return named;
  }

  private List<InetAddress> preferredFirst(String host, InetAddress[] addresses) throws UnknownHostException {
    if (addresses.length == 0) {
      throw new UnknownHostException(host + ": no address");
    }
    Class<? extends InetAddress> preferred = switch (preference) {
      case IPV4 -> Inet4Address.class;
      case IPV6 -> Inet6Address.class;
      case ANY -> InetAddress.class;
    };
    List<InetAddress> ordered = new ArrayList<>(addresses.length);
    for (InetAddress address : addresses) {
      if (preferred.isInstance(address)) {
        ordered.add(address);
      }
    }
    for (InetAddress address : addresses) {
      if (!preferred.isInstance(address)) {
        ordered.add(address);
      }
    }
    return List.copyOf(ordered);
  }
}
