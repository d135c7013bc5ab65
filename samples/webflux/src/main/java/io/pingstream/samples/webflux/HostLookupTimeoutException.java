package io.pingstream.samples.webflux;

import java.time.Duration;

/** A client's host name did not resolve within {@code pingstream.resolve-timeout}: answered 504. */
public final class HostLookupTimeoutException extends RuntimeException {

  /** Creates the exception for {@code host}, which did not resolve within {@code limit}. */
  public HostLookupTimeoutException(String host, Duration limit) {
    super("no answer from the name service for " + host + " within " + limit.toMillis() + " ms", null, false, false);
  }
}
