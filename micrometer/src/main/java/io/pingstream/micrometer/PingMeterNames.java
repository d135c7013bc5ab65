package io.pingstream.micrometer;

/**
 * The names and tags of every Pingstream meter, under one prefix. Prometheus names follow from
 * Micrometer's naming convention (dots to underscores, base unit and {@code _total} appended).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>Prometheus</th><th>tags</th></tr>
 *   <tr><td>{@value #RTT}</td><td>Timer</td><td>ping_rtt_seconds</td><td>target, name, family</td></tr>
 *   <tr><td>{@value #SENT}</td><td>Counter</td><td>ping_sent_total</td><td>target, name, family</td></tr>
 *   <tr><td>{@value #REPLIES}</td><td>Counter</td><td>ping_replies_total</td><td>target, name, family</td></tr>
 *   <tr><td>{@value #TIMEOUTS}</td><td>Counter</td><td>ping_timeouts_total</td><td>target, name, family</td></tr>
 *   <tr><td>{@value #ERRORS}</td><td>Counter</td><td>ping_errors_total</td><td>target, name, family, kind</td></tr>
 *   <tr><td>{@value #DUPLICATES}</td><td>Counter</td><td>ping_duplicates_total</td><td>target, name, family</td></tr>
 *   <tr><td>{@value #LOSS}</td><td>Gauge</td><td>ping_loss_ratio</td><td>target, name, family</td></tr>
 *   <tr><td>{@value #REPLY_TTL}</td><td>Gauge</td><td>ping_reply_ttl</td><td>target, name, family</td></tr>
 *   <tr><td>{@value #ENGINE_IN_FLIGHT}</td><td>Gauge</td><td>ping_engine_in_flight</td><td></td></tr>
 *   <tr><td>{@value #ENGINE_DROPPED}</td><td>FunctionCounter</td><td>ping_engine_dropped_total</td><td>reason</td></tr>
 *   <tr><td>{@value #ENGINE_SOCKET}</td><td>Gauge</td><td>ping_engine_socket</td><td>family, mode</td></tr>
 * </table>
 *
 * <p>The per-target meters also carry the {@link PingMeterOptions#tags() extra tags} of their
 * recorder, the engine's those given to {@link PingEngineMetrics}.
 */
public final class PingMeterNames {

  /** Round-trip time of each reply. */
  public static final String RTT = "ping.rtt";
  /** Probes sent (including those the kernel refused). */
  public static final String SENT = "ping.sent";
  /** Probes answered by an echo reply. */
  public static final String REPLIES = "ping.replies";
  /** Probes without an answer within their timeout. */
  public static final String TIMEOUTS = "ping.timeouts";
  /** Probes that ended in an error, by {@link #TAG_KIND}. */
  public static final String ERRORS = "ping.errors";
  /** Further replies to probes that already had one. */
  public static final String DUPLICATES = "ping.duplicates";
  /** Ratio of probes without a reply among the last N outcomes of the target. */
  public static final String LOSS = "ping.loss";
  /** TTL (IPv4) or hop limit (IPv6) of the last reply. */
  public static final String REPLY_TTL = "ping.reply.ttl";
  /** Probes of the engine waiting for their outcome. */
  public static final String ENGINE_IN_FLIGHT = "ping.engine.in.flight";
  /** Packets the engine received and dropped, by {@link #TAG_REASON}. */
  public static final String ENGINE_DROPPED = "ping.engine.dropped";
  /** 1 for the socket mode each family uses, 0 for the others. */
  public static final String ENGINE_SOCKET = "ping.engine.socket";

  /** The target's address, e.g. {@code 127.0.0.1}. */
  public static final String TAG_TARGET = "target";
  /** A label for the target: the host name it was resolved from, or one the user gives. */
  public static final String TAG_NAME = "name";
  /** {@code ipv4} or {@code ipv6}. */
  public static final String TAG_FAMILY = "family";
  /** Error kind, e.g. {@code destination_unreachable}. */
  public static final String TAG_KIND = "kind";
  /** Why a packet was dropped, e.g. {@code foreign}. */
  public static final String TAG_REASON = "reason";
  /** {@code raw} or {@code dgram}. */
  public static final String TAG_MODE = "mode";

  private PingMeterNames() {}
}
