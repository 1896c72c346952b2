package io.barrel.p2p.simulation;

import java.util.List;

/**
 * Everything one seed of a run measured, with the CPU time each experiment took.
 *
 * @param seed the seed
 * @param overlay the settled overlay's properties
 * @param failures one entry per failure rate
 * @param redundancy Plumtree and flooding in the stable overlay
 * @param churn Plumtree under continuous failures
 * @param millis CPU time per experiment, of the thread that ran it: build, failures, redundancy, churn
 */
record SeedResult(long seed, OverlayProperties.Result overlay, List<FailureReliability.Level> failures,
    PlumtreeRedundancy redundancy, PlumtreeChurn.Result churn, long[] millis) {

  FailureReliability.Level failure(int percent) {
    for (FailureReliability.Level level : failures) {
      if (level.percent() == percent) {
        return level;
      }
    }
    throw new IllegalArgumentException("no failure level " + percent + "%");
  }
}
