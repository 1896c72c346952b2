package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code power-of-two-choices} balancer (the default).
 *
 * <p>Rule: draw two different candidates at random, each in proportion to its weight, and take the
 * one with fewer calls in flight (the first drawn on a tie). Compared with a purely random pick this
 * keeps the busiest instance's queue exponentially shorter, and unlike "least loaded of all" it does
 * not send every caller to the same idle instance at once (Mitzenmacher, "The Power of Two Choices in
 * Randomized Load Balancing", 2001).
 *
 * <p>Local preference: when the candidates include instances on the calling node and instances
 * elsewhere, the least loaded local instance is compared with the two-choice pick among the remote
 * ones, and wins unless it has more than {@code localMargin} calls in flight beyond it. A local call
 * short-circuits the network (no serialization, no round trip), so it is worth a slightly longer
 * queue; the margin stops the local instance from taking everything when it falls behind.
 */
final class PowerOfTwoChoices implements LoadBalancer {

  /**
   * The default margin: two calls. Small enough that an overloaded local instance spills to remote
   * ones quickly, large enough that momentary jitter in the counts does not flip the choice.
   */
  static final int DEFAULT_LOCAL_MARGIN = 2;

  private final RandomSource random;
  private final int localMargin;

  PowerOfTwoChoices(RandomSource random, int localMargin) {
    this.random = random;
    this.localMargin = localMargin;
  }

  @Override
  public Optional<ServiceInstance> choose(List<ServiceInstance> candidates, CallContext call) {
    int n = candidates.size();
    if (n == 0) {
      return Optional.empty();
    }
    if (n == 1) {
      return Optional.of(candidates.get(0));
    }
    if (localMargin >= 0) {
      ServiceInstance local = null;
      int localLoad = Integer.MAX_VALUE;
      int locals = 0;
      for (ServiceInstance c : candidates) {
        if (call.isLocal(c)) {
          locals++;
          int load = call.outstandingOn(c);
          if (load < localLoad) {
            local = c;
            localLoad = load;
          }
        }
      }
      if (locals > 0 && locals < n) {
        List<ServiceInstance> remotes = new ArrayList<>(n - locals);
        for (ServiceInstance c : candidates) {
          if (!call.isLocal(c)) {
            remotes.add(c);
          }
        }
        int[] remoteLoad = new int[1];
        ServiceInstance remote = bestOfTwo(remotes, call, remoteLoad);
        return Optional.of((long) localLoad <= (long) remoteLoad[0] + localMargin ? local : remote);
      }
    }
    return Optional.of(bestOfTwo(candidates, call, new int[1]));
  }

  /** The less loaded of two weighted draws; its load goes into {@code load[0]}. */
  private ServiceInstance bestOfTwo(List<ServiceInstance> candidates, CallContext call, int[] load) {
    int n = candidates.size();
    if (n == 1) {
      load[0] = call.outstandingOn(candidates.get(0));
      return candidates.get(0);
    }
    int a;
    int b;
    if (Weights.uniform(candidates)) {
      a = random.nextInt(n);
      b = random.nextInt(n - 1);
      if (b >= a) {
        b++;
      }
    } else {
      long total = Weights.total(candidates);
      a = Weights.draw(candidates, total, -1, random);
      b = Weights.draw(candidates, total - Weights.weight(candidates.get(a)), a, random);
    }
    int loadA = call.outstandingOn(candidates.get(a));
    int loadB = call.outstandingOn(candidates.get(b));
    if (loadB < loadA) {
      load[0] = loadB;
      return candidates.get(b);
    }
    load[0] = loadA;
    return candidates.get(a);
  }

  @Override
  public String toString() {
    return localMargin == DEFAULT_LOCAL_MARGIN ? "power-of-two-choices"
        : "power-of-two-choices (local margin " + localMargin + ")";
  }
}
