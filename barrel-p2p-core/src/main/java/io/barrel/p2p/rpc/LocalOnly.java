package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.List;
import java.util.Optional;

/**
 * The {@code local-only} balancer: an instance on the calling node, never the network. With several
 * local instances, the one with the fewest calls in flight (the first on a tie).
 */
final class LocalOnly implements LoadBalancer {

  @Override
  public Optional<ServiceInstance> choose(List<ServiceInstance> candidates, CallContext call) {
    ServiceInstance best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (ServiceInstance c : candidates) {
      if (call.isLocal(c)) {
        int load = call.outstandingOn(c);
        if (load < bestLoad) {
          best = c;
          bestLoad = load;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public String noChoiceReason(List<ServiceInstance> candidates, CallContext call) {
    return "the local-only load balancer found none of the " + candidates.size()
        + " candidate instances on the local node " + call.localNode();
  }

  @Override
  public String toString() {
    return "local-only";
  }
}
