package io.pingstream.samples.webflux;

import io.pingstream.SelectionPolicy;
import io.pingstream.reactor.AddressPreference;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code pingstream.*} settings of the app. Durations take a unit ({@code 500ms}, {@code 1s});
 * ranges are checked by {@link io.pingstream.PingOptions} and {@link
 * io.pingstream.reactor.StreamOptions} when the beans are made, so a bad value stops the app at
 * startup with a message naming it.
 *
 * @param policy which ICMP sockets to try, in order
 * @param addressPreference which family a host name resolves to when it has both
 * @param timeout how long a probe waits for its reply
 * @param size the whole IP packet of a probe, in bytes
 * @param ttl TTL / hop limit of probes; the system's default when unset
 * @param interval how often each configured target is pinged
 * @param targets host names or addresses pinged for as long as the app runs
 * @param resolveInterval how often the configured names are resolved again, so that a changed
 *     address is followed
 * @param minStreamInterval the shortest {@code interval} a client may ask of {@code
 *     /ping/{host}/stream}
 * @param resolveTimeout how long a client's request waits for its host name to resolve before
 *     it is answered 504 (a slow name service would hold it for 10 s or more)
 */
@ConfigurationProperties("pingstream")
public record PingstreamProperties(
    @DefaultValue("DGRAM_RAW") SelectionPolicy policy,
    @DefaultValue("ANY") AddressPreference addressPreference,
    @DefaultValue("1s") Duration timeout,
    @DefaultValue("64") int size,
    @Nullable Integer ttl,
    @DefaultValue("1s") Duration interval,
    @DefaultValue List<String> targets,
    @DefaultValue("5m") Duration resolveInterval,
    @DefaultValue("100ms") Duration minStreamInterval,
    @DefaultValue("5s") Duration resolveTimeout) {

  /** Checks what no Pingstream option checks for us. */
  public PingstreamProperties {
    targets = List.copyOf(targets);
    for (String target : targets) {
      if (target.isBlank()) {
        throw new IllegalArgumentException("pingstream.targets must not contain a blank entry, was " + targets);
      }
    }
    if (resolveInterval.isNegative() || resolveInterval.isZero()) {
      throw new IllegalArgumentException("pingstream.resolve-interval must be positive, was " + resolveInterval);
    }
    if (resolveTimeout.isNegative() || resolveTimeout.isZero()) {
      throw new IllegalArgumentException("pingstream.resolve-timeout must be positive, was " + resolveTimeout);
    }
  }
}
