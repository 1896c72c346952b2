package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.chiSquare;
import static io.barrel.p2p.rpc.BalancingFixtures.countPicks;
import static io.barrel.p2p.rpc.BalancingFixtures.countsInOrder;
import static io.barrel.p2p.rpc.BalancingFixtures.idleCall;
import static io.barrel.p2p.rpc.BalancingFixtures.instance;
import static io.barrel.p2p.rpc.BalancingFixtures.remotes;
import static io.barrel.p2p.rpc.BalancingFixtures.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomPickTest {

  @Test
  void spreadsCallsEvenlyOverEqualWeights() {
    List<ServiceInstance> five = remotes(5);

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.random(new Random(42)), five, idleCall("x"),
        10_000);

    // 2,000 expected each, σ = 40: within 5σ, and a chi-square under its 0.1 % critical value (4 df).
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(1800, 2200));
    assertThat(chiSquare(countsInOrder(counts, five), uniform(5))).isLessThan(18.47);
  }

  @Test
  void spreadsCallsInProportionToWeight() {
    List<ServiceInstance> weighted = List.of(instance("a@h", "1", 100), instance("b@h", "1", 200),
        instance("c@h", "1", 300), instance("d@h", "1", 400));

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.random(new Random(7)), weighted, idleCall("x"),
        10_000);

    assertThat(chiSquare(countsInOrder(counts, weighted), List.of(0.1, 0.2, 0.3, 0.4))).isLessThan(16.27);
    assertThat(counts.get(weighted.get(3))).isBetween(3800, 4200);
  }

  @Test
  void theDefaultDrawsFromThreadLocalRandom() {
    List<ServiceInstance> three = remotes(3);

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.random(), three, idleCall("x"), 3000);

    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isPositive());
  }

  @Test
  void aSingleCandidateIsChosenAndNoneGivesNothing() {
    ServiceInstance only = instance("a@h", "1");

    assertThat(LoadBalancer.random().choose(List.of(only), idleCall("x"))).contains(only);
    assertThat(LoadBalancer.random().choose(List.of(), idleCall("x"))).isEmpty();
  }
}
