package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.BALANCE;
import static io.barrel.p2p.rpc.BalancingFixtures.LOCAL;
import static io.barrel.p2p.rpc.BalancingFixtures.call;
import static io.barrel.p2p.rpc.BalancingFixtures.countPicks;
import static io.barrel.p2p.rpc.BalancingFixtures.idleCall;
import static io.barrel.p2p.rpc.BalancingFixtures.instance;
import static io.barrel.p2p.rpc.BalancingFixtures.remotes;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalOnlyTest {

  private final ServiceInstance local = instance(LOCAL.toString(), "1");

  @Test
  void choosesTheLocalInstanceEvenWhenItIsTheBusiest() {
    List<ServiceInstance> candidates = new ArrayList<>(remotes(3));
    candidates.add(local);

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.localOnly(), candidates,
        call(BALANCE, new Object[] {"x"}, i -> i.equals(local) ? 100 : 0), 100);

    assertThat(counts.get(local)).isEqualTo(100);
  }

  @Test
  void choosesNothingWithoutALocalInstanceAndSaysSo() {
    List<ServiceInstance> three = remotes(3);
    LoadBalancer balancer = LoadBalancer.localOnly();

    assertThat(balancer.choose(three, idleCall("x"))).isEmpty();
    assertThat(balancer.noChoiceReason(three, idleCall("x"))).isEqualTo(
        "the local-only load balancer found none of the 3 candidate instances on the local node local@h0");
  }

  @Test
  void amongSeveralLocalInstancesTakesTheLeastLoaded() {
    ServiceInstance other = instance(LOCAL.toString(), "2");

    assertThat(LoadBalancer.localOnly().choose(List.of(local, other),
        call(BALANCE, new Object[] {"x"}, i -> i.equals(local) ? 3 : 1))).contains(other);
    assertThat(LoadBalancer.localOnly().choose(List.of(local, other), idleCall("x"))).contains(local);
  }

  @Test
  void theDefaultReasonNamesTheBalancer() {
    LoadBalancer none = (candidates, call) -> java.util.Optional.empty();

    assertThat(none.noChoiceReason(remotes(2), idleCall("x"))).startsWith("the ")
        .endsWith("load balancer accepted none of the 2 candidate instances");
  }
}
