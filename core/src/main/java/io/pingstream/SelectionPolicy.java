package io.pingstream;

import java.util.List;

/**
 * Which socket modes an engine tries, in order, for each address family; the first socket that
 * opens wins (Gufo Ping's policies). The mode chosen is reported by {@link
 * PingEngine#socketMode(IpFamily)}.
 */
public enum SelectionPolicy {
  /** RAW only. */
  RAW(List.of(SocketMode.RAW)),
  /** RAW, then DGRAM if RAW cannot be opened. */
  RAW_DGRAM(List.of(SocketMode.RAW, SocketMode.DGRAM)),
  /** DGRAM, then RAW if DGRAM cannot be opened: least privilege first. The default. */
  DGRAM_RAW(List.of(SocketMode.DGRAM, SocketMode.RAW)),
  /** DGRAM only. */
  DGRAM(List.of(SocketMode.DGRAM));

  private final List<SocketMode> modes;

  SelectionPolicy(List<SocketMode> modes) {
    this.modes = modes;
  }

  /** The modes tried, in order. */
  public List<SocketMode> modes() {
    return modes;
  }
}
