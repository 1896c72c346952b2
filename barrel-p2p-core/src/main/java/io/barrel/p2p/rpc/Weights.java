package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.List;

/** Weighted draws over a candidate list, shared by the random and power-of-two-choices balancers. */
final class Weights {

  private Weights() {}

  static int weight(ServiceInstance instance) {
    return instance.metadata().weight();
  }

  /** Whether every candidate has the same weight (the common case: a plain uniform draw suffices). */
  static boolean uniform(List<ServiceInstance> candidates) {
    int first = weight(candidates.get(0));
    for (int i = 1; i < candidates.size(); i++) {
      if (weight(candidates.get(i)) != first) {
        return false;
      }
    }
    return true;
  }

  /** Sum of the weights (at most 10,000 each, so a long never overflows). */
  static long total(List<ServiceInstance> candidates) {
    long sum = 0;
    for (ServiceInstance c : candidates) {
      sum += weight(c);
    }
    return sum;
  }

  /**
   * Draws an index with probability weight/total, skipping index {@code skip} (−1 for none; its
   * weight must then be left out of {@code total}).
   */
  static int draw(List<ServiceInstance> candidates, long total, int skip, RandomSource random) {
    long r = random.nextLong(total);
    int last = -1;
    for (int i = 0; i < candidates.size(); i++) {
      if (i == skip) {
        continue;
      }
      last = i;
      r -= weight(candidates.get(i));
      if (r < 0) {
        return i;
      }
    }
    return last;
  }
}
