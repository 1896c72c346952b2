package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.List;
import java.util.Optional;

/** The {@code random} balancer: a candidate at random, in proportion to its weight. */
final class RandomPick implements LoadBalancer {

  private final RandomSource random;

  RandomPick(RandomSource random) {
    this.random = random;
  }

  @Override
  public Optional<ServiceInstance> choose(List<ServiceInstance> candidates, CallContext call) {
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    int n = candidates.size();
    if (n == 1) {
      return Optional.of(candidates.get(0));
    }
    int i = Weights.uniform(candidates) ? random.nextInt(n)
        : Weights.draw(candidates, Weights.total(candidates), -1, random);
    return Optional.of(candidates.get(i));
  }

  @Override
  public String toString() {
    return "random";
  }
}
