package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code round-robin} balancer: each candidate in turn, from one shared counter.
 *
 * <p>With different weights it is interleaved weighted round robin: weights are divided by their
 * greatest common divisor, and round {@code r} of a cycle visits, in list order, every candidate
 * whose reduced weight is above {@code r}. Weights 2:1 give A B A, A B A, ...: every candidate gets
 * exactly its share per cycle, spread over the cycle rather than in one burst. The position is
 * computed from the counter alone, so there is no per-instance state to keep in step as candidates
 * come and go (a change of candidates only shifts where the cycle resumes).
 */
final class RoundRobin implements LoadBalancer {

  private final AtomicLong next = new AtomicLong();

  @Override
  public Optional<ServiceInstance> choose(List<ServiceInstance> candidates, CallContext call) {
    int n = candidates.size();
    if (n == 0) {
      return Optional.empty();
    }
    long turn = next.getAndIncrement() & Long.MAX_VALUE;
    if (n == 1) {
      return Optional.of(candidates.get(0));
    }
    if (Weights.uniform(candidates)) {
      return Optional.of(candidates.get((int) (turn % n)));
    }
    return Optional.of(candidates.get(weightedTurn(candidates, turn)));
  }

  /** The candidate at position {@code turn} of the interleaved weighted cycle. */
  static int weightedTurn(List<ServiceInstance> candidates, long turn) {
    int n = candidates.size();
    int[] w = new int[n];
    int gcd = 0;
    for (int i = 0; i < n; i++) {
      w[i] = Weights.weight(candidates.get(i));
      gcd = gcd(gcd, w[i]);
    }
    long cycle = 0;
    for (int i = 0; i < n; i++) {
      w[i] /= gcd;
      cycle += w[i];
    }
    long pos = turn % cycle;
    // Rounds come in bands between consecutive distinct weights; within a band every round visits
    // the same candidates (those with weight above the band's floor), so skip whole bands at once.
    int floor = 0;
    while (true) {
      int count = 0;
      int ceiling = Integer.MAX_VALUE;
      for (int x : w) {
        if (x > floor) {
          count++;
          ceiling = Math.min(ceiling, x);
        }
      }
      long bandSize = (long) (ceiling - floor) * count;
      if (pos < bandSize) {
        long k = pos % count;
        for (int i = 0; i < n; i++) {
          if (w[i] > floor && k-- == 0) {
            return i;
          }
        }
      }
      pos -= bandSize;
      floor = ceiling;
    }
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  @Override
  public String toString() {
    return "round-robin";
  }
}
