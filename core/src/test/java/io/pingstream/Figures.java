package io.pingstream;

/** Prints a scenario's figures in one line, for docs/reliability.md. */
final class Figures {

  private Figures() {}

  static void report(String scenario, EngineStats stats, String more) {
    long accounted = stats.replies() + stats.timeouts() + stats.icmpErrors() + stats.sendErrors();
    System.out.printf("FIGURES %s: sent=%d replies=%d timeouts=%d errors=%d mismatched=%d late=%d foreign=%d "
            + "receiveDropped=%d inFlight=%d accounted=%d %s%n",
        scenario, stats.sent(), stats.replies(), stats.timeouts(), stats.icmpErrors() + stats.sendErrors(),
        stats.malformed() + stats.duplicates(), stats.late(), stats.foreign(), stats.receiveDropped(),
        stats.inFlight(), accounted, more);
  }
}
