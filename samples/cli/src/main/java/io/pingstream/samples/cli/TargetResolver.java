package io.pingstream.samples.cli;

import io.pingstream.AddressText;
import io.pingstream.IpFamily;
import io.pingstream.reactor.Pinger;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns the names on the command line into targets: resolved with {@link Pinger#resolve} (names
 * on Reactor's blocking scheduler, 16 at a time; literals at once), then checked. A name that
 * does not resolve, resolves to the wrong family for {@code -4}/{@code -6}, or to an address no
 * echo reply can be matched to (multicast, broadcast, unspecified) is reported on stderr as
 * fping reports an unknown host, {@code NAME: why}, and left out; so is a blank name. A second name for an address
 * already listed is left out with a note: each address is pinged once.
 */
final class TargetResolver {

  private static final int CONCURRENT_LOOKUPS = 16;

  /**
   * The outcome: the targets to ping, in command-line order, and whether some name was left out
   * for an error (not for being a second name of an address).
   */
  record Resolved(List<Report.Target> targets, boolean failures) {}

  private final Pinger pinger;
  private final @Nullable IpFamily only;
  private final PrintStream err;

  /**
   * @param only the family every target must have ({@code -4}/{@code -6}), or null for any
   */
  TargetResolver(Pinger pinger, @Nullable IpFamily only, PrintStream err) {
    this.pinger = pinger;
    this.only = only;
    this.err = err;
  }

  /** Resolves every name; blocks, so it must not be called on a Reactor thread. */
  Resolved resolve(List<String> names) {
    List<Lookup> lookups = Flux.fromIterable(names)
        .flatMapSequential(name -> lookup(name)
            .map(address -> new Lookup(name, address, refusal(name, address)))
            .onErrorResume(error -> Mono.just(new Lookup(name, null, message(name, error)))), CONCURRENT_LOOKUPS)
        .collectList()
        .blockOptional()
        .orElse(List.of());
    Map<AddressKey, Report.Target> targets = new LinkedHashMap<>();
    boolean failures = false;
    for (Lookup lookup : lookups) {
      if (lookup.address == null || lookup.problem != null) {
        err.println(lookup.name + ": " + lookup.problem);
        failures = true;
        continue;
      }
      AddressKey key = AddressKey.of(lookup.address);
      Report.Target first = targets.putIfAbsent(key, new Report.Target(lookup.name, lookup.address));
      if (first != null) {
        targets.put(key, new Report.Target(first.name(), first.address(), first.names() + 1)); // its place kept
        err.println(lookup.name + ": same address as " + first.name() + " (" + AddressText.of(lookup.address)
            + "), pinged once");
      }
    }
    return new Resolved(new ArrayList<>(targets.values()), failures);
  }

  /**
   * The address of {@code name}. A blank name fails as an unknown host, as fping's lookup of it
   * does ({@code : Name or service not known}), and the other targets are pinged: {@link
   * Pinger#resolve} refuses it by throwing, which would end the whole run.
   */
  private Mono<InetAddress> lookup(String name) {
    if (name.isBlank()) {
      return Mono.error(new UnknownHostException(name + ": Name or service not known"));
    }
    return pinger.resolve(name);
  }

  private record Lookup(String name, @Nullable InetAddress address, @Nullable String problem) {}

  /** Why {@code address}, which {@code name} resolved to, cannot be pinged here, or null. */
  private @Nullable String refusal(String name, InetAddress address) {
    String literal = AddressText.of(address);
    boolean named = hasName(address);
    if (only != null && IpFamily.of(address) != only) {
      String family = only == IpFamily.IPV4 ? "IPv4" : "IPv6";
      return named ? "no " + family + " address (resolved to " + literal + ")" : "not an " + family + " address";
    }
    String kind = null;
    if (address.isAnyLocalAddress()) {
      kind = "the unspecified address";
    } else if (address.isMulticastAddress()) {
      kind = "a multicast address";
    } else if (address instanceof Inet4Address && literal.equals("255.255.255.255")) {
      kind = "the broadcast address";
    }
    if (kind != null) {
      return (named ? literal + " is " : "") + kind + ", whose replies could not be matched to the probes";
    }
    if (address instanceof Inet6Address v6 && v6.isLinkLocalAddress() && v6.getScopeId() == 0) {
      return "a link-local address needs a scope, e.g. fe80::1%eth0";
    }
    return null;
  }

  /**
   * Whether {@code address} was looked up by name rather than parsed from a literal (however it
   * was written, e.g. {@code 0:0::1}): a looked-up address carries its name. {@code toString}
   * shows it without the reverse lookup {@code getHostName} would make.
   */
  private static boolean hasName(InetAddress address) {
    return !address.toString().startsWith("/");
  }

  /** fping's wording for a name that does not resolve: {@code NAME: Name or service not known}. */
  private static String message(String name, Throwable error) {
    String message = Optional.ofNullable(error.getMessage()).orElse(error.getClass().getSimpleName());
    return message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message;
  }
}
