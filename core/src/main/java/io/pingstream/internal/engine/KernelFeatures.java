package io.pingstream.internal.engine;

/** Socket features that depend on the running kernel's version. Not API. */
final class KernelFeatures {

  private KernelFeatures() {}

  /**
   * Whether sendmsg(2) accepts {@code SCM_TS_OPT_ID} (Linux 6.13), which lets each probe name
   * its transmit timestamp. Without it the kernel numbers stamps itself and a failed send could
   * shift the numbering, so transmit timestamps stay off.
   */
  static boolean perPacketTimestampKey() {
    return atLeast(System.getProperty("os.version", ""), 6, 13);
  }

  static boolean atLeast(String release, int major, int minor) {
    String[] parts = release.split("[.-]");
    try {
      int actualMajor = Integer.parseInt(parts[0]);
      int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return actualMajor > major || (actualMajor == major && actualMinor >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
