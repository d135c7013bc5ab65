package io.pingstream;

/**
 * The engine was closed: probes still in flight at {@link PingEngine#close()} and probes asked
 * for afterwards complete with this exception.
 */
public final class EngineClosedException extends IllegalStateException {

  /** Creates the exception. */
  public EngineClosedException() {
    super("the ping engine is closed");
  }
}
