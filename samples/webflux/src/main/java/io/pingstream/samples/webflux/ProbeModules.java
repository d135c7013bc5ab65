package io.pingstream.samples.webflux;

import io.pingstream.ProbeSettings;
import io.pingstream.reactor.AddressPreference;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The modules {@code /probe?module=} names, as blackbox_exporter's configuration has them
 * ({@code pingstream.probe.modules.<name>.*}); a module left out of the request is {@code icmp},
 * which exists with the app's settings unless configured otherwise. Each value a module leaves
 * unset is the app's.
 *
 * @param modules the modules by name
 */
@ConfigurationProperties("pingstream.probe")
public record ProbeModules(@DefaultValue Map<String, Module> modules) {

  /** The module a request that names none gets. */
  static final String DEFAULT_MODULE = "icmp";

  /**
   * One module.
   *
   * @param addressPreference which family a name is probed at when it has both (blackbox's
   *     {@code preferred_ip_protocol}); the other family when it has only that one
   * @param size the whole IP packet, in bytes
   * @param ttl TTL / hop limit of the probe
   * @param timeout the longest a probe waits; the scrape's time less half a second if that is less
   */
  public record Module(@Nullable AddressPreference addressPreference, @Nullable Integer size, @Nullable Integer ttl, @Nullable Duration timeout) {

    /** Checks the values now, so that a bad one stops the app at startup, naming it. */
    public Module {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("a probe module's timeout must be positive, was " + timeout);
      }
      if (size != null) {
        ProbeSettings.defaults().size(size); // throws, naming the range
      }
      if (ttl != null) {
        ProbeSettings.defaults().ttl(ttl);
      }
    }
  }

  public ProbeModules {
    modules = Map.copyOf(modules);
  }

  /** The module named {@code name} ({@link #DEFAULT_MODULE} when null), or null if none is. */
  @Nullable Module module(@Nullable String name) {
    String wanted = name == null ? DEFAULT_MODULE : name;
    Module module = modules.get(wanted);
    return module == null && wanted.equals(DEFAULT_MODULE) ? new Module(null, null, null, null) : module;
  }

  /** The names a request may give, for the answer to one that gives another. */
  List<String> names() {
    var names = new TreeSet<>(modules.keySet());
    names.add(DEFAULT_MODULE);
    return List.copyOf(names);
  }

  /** {@code base} with what {@code module} sets. */
  static ProbeSettings settings(ProbeSettings base, Module module) {
    ProbeSettings settings = base;
    if (module.size() != null) {
      settings = settings.size(module.size());
    }
    if (module.ttl() != null) {
      settings = settings.ttl(module.ttl());
    }
    return settings;
  }

  /**
   * The address of {@code addresses} (the pinger's order, never empty) that {@code preference}
   * picks: the first of its family, else the first.
   */
  static InetAddress pick(List<InetAddress> addresses, @Nullable AddressPreference preference) {
    if (preference == null || preference == AddressPreference.ANY) {
      return addresses.get(0);
    }
    boolean ipv4 = preference == AddressPreference.IPV4;
    return addresses.stream().filter(address -> address instanceof Inet4Address == ipv4).findFirst().orElse(addresses.get(0));
  }
}
