package io.barrel.p2p.simulation;

import java.util.Locale;

/** A registry run's figures as one line of text, for the test output and docs/simulation.md. */
final class RegistryReport {

  private RegistryReport() {}

  static String summary(RegistryRun.Result r) {
    return String.format(Locale.ROOT, "registry simulation: spread p50 %d ms, p99 %d ms, max %d ms (%d missed);"
        + " Plumtree delivery of registry broadcasts p50 %d ms, p99 %d ms, longest path p50 %d hops,"
        + " %.0f GRAFTs per broadcast; downs %d..%d ms after the kill (%d before band, %d after band, %d missing);"
        + " removed everywhere %d ms after the kill by %d removal deltas (%d victim entries left); late joiner %d ms; %d divergent; %d live registrations;"
        + " %,d ms virtual, %,d events, %,d control messages, %,d ms wall",
        RegistryRun.Result.percentile(r.spreadMillis(), 50), RegistryRun.Result.percentile(r.spreadMillis(), 99),
        RegistryRun.Result.percentile(r.spreadMillis(), 100), r.missedRegistrations(),
        RegistryRun.Result.percentile(r.broadcastMillis(), 50), RegistryRun.Result.percentile(r.broadcastMillis(), 99),
        r.broadcastHops().length == 0 ? 0 : r.broadcastHops()[r.broadcastHops().length / 2], r.grafts(),
        r.downEarliestAfterKill(), r.downLatestAfterKill(), r.downsBeforeBand(), r.downsAfterBand(), r.missingDowns(),
        r.removedEverywhereMillis(), r.removalDeltas(), r.victimEntriesLeft(), r.lateJoinerMillis(), r.divergentNodes(), r.liveRegistrations(),
        r.virtualMillis(), r.events(), r.controlMessages(), r.wallMillis());
  }
}
