package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.BALANCE;
import static io.barrel.p2p.rpc.BalancingFixtures.LOCAL;
import static io.barrel.p2p.rpc.BalancingFixtures.call;
import static io.barrel.p2p.rpc.BalancingFixtures.instance;
import static io.barrel.p2p.rpc.BalancingFixtures.remotes;
import static io.barrel.p2p.rpc.BalancingFixtures.versioned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InstanceSelectorTest {

  private final AtomicLong clock = new AtomicLong();
  private final OutlierEjection ejection = new OutlierEjection(OutlierPolicy.defaults(), clock::get);

  private InstanceSelector selector(LoadBalancer balancer, InstanceFilter filter, int cap) {
    return new InstanceSelector(balancer, filter, ejection, new InstanceLoad(cap));
  }

  private static CallContext callOn(InstanceSelector selector) {
    return call(BALANCE, new Object[] {"x"}, selector.load()::outstanding);
  }

  private static ServiceInstance chosen(Selection selection) {
    assertThat(selection).isInstanceOf(Selection.Chosen.class);
    return ((Selection.Chosen) selection).instance();
  }

  private void eject(ServiceInstance instance) {
    for (int i = 0; i < 5; i++) {
      ejection.onFailure(instance);
    }
  }

  @Test
  void aChosenInstanceHasItsSlotTaken() {
    InstanceSelector selector = selector(LoadBalancer.roundRobin(), InstanceFilter.any(), 0);
    List<ServiceInstance> three = remotes(3);

    ServiceInstance first = chosen(selector.select(three, Set.of(), callOn(selector)));

    assertThat(first).isEqualTo(three.get(0));
    assertThat(selector.load().outstanding(first)).isEqualTo(1);
    selector.load().release(first);
    assertThat(selector.load().total()).isZero();
  }

  @Test
  void theBalancerSeesTheCandidatesInStableOrder() {
    List<List<ServiceInstance>> seen = new ArrayList<>();
    LoadBalancer recording = (candidates, call) -> {
      seen.add(List.copyOf(candidates));
      return Optional.of(candidates.get(0));
    };
    InstanceSelector selector = selector(recording, InstanceFilter.any(), 0);
    List<ServiceInstance> live = new ArrayList<>(List.of(instance("b@h", "2"), instance("b@h", "1"),
        instance("a@h", "9"), instance("c@h", "0")));
    Collections.shuffle(live, new Random(3));

    selector.select(live, Set.of(), callOn(selector));

    assertThat(seen.get(0)).extracting(i -> i.node() + "/" + i.instanceId()).containsExactly("a@h/9", "b@h/1",
        "b@h/2", "c@h/0");
  }

  @Test
  void nothingRegisteredIsNoneAvailable() {
    InstanceSelector selector = selector(LoadBalancer.random(), InstanceFilter.any(), 0);

    assertThat(selector.select(List.of(), Set.of(), callOn(selector)))
        .isEqualTo(new Selection.NoneAvailable("no instance is registered"));
  }

  @Test
  void theFilterChoosesAmongMatchingInstancesOnly() {
    ServiceInstance v1 = versioned("a@h", "1", "1.4", "eu");
    ServiceInstance v2 = versioned("b@h", "1", "2.0", "eu");
    InstanceSelector selector = selector(LoadBalancer.random(new Random(1)),
        InstanceFilter.any().withVersion("2.*"), 0);

    for (int i = 0; i < 50; i++) {
      ServiceInstance c = chosen(selector.select(List.of(v1, v2), Set.of(), callOn(selector)));
      assertThat(c).isEqualTo(v2);
      selector.load().release(c);
    }
    InstanceSelector none = selector(LoadBalancer.random(), InstanceFilter.any().withTags(Set.of("us")), 0);
    assertThat(none.select(List.of(v1, v2), Set.of(), callOn(none))).isEqualTo(
        new Selection.NoneAvailable("none of the 2 live instances matches tags [us]"));
  }

  @Test
  void aRetryNeverGoesBackToAnInstanceThisCallTried() {
    InstanceSelector selector = selector(LoadBalancer.powerOfTwoChoices(new Random(2)), InstanceFilter.any(), 0);
    List<ServiceInstance> three = remotes(3);
    Set<ServiceInstance> tried = new HashSet<>();

    for (int attempt = 0; attempt < 3; attempt++) {
      ServiceInstance c = chosen(selector.select(three, tried, callOn(selector)));
      assertThat(tried).doesNotContain(c);
      tried.add(c);
      selector.load().release(c);
    }

    assertThat(selector.select(three, tried, callOn(selector))).isEqualTo(
        new Selection.NoneAvailable("this call already tried all 3 matching instances"));
    assertThat(selector.select(three.subList(0, 1), tried, callOn(selector))).isEqualTo(
        new Selection.NoneAvailable("this call already tried the only matching instance"));
  }

  @Test
  void triedInstancesAreMatchedByIdentityNotMetadata() {
    InstanceSelector selector = selector(LoadBalancer.roundRobin(), InstanceFilter.any(), 0);
    List<ServiceInstance> two = remotes(2);
    ServiceInstance firstRetagged = new ServiceInstance(two.get(0).service(), two.get(0).node(),
        two.get(0).incarnation(), two.get(0).instanceId(), ServiceMetadata.EMPTY.withTags(Set.of("new")));

    for (int i = 0; i < 10; i++) {
      ServiceInstance c = chosen(selector.select(two, Set.of(firstRetagged), callOn(selector)));
      assertThat(c).isEqualTo(two.get(1));
      selector.load().release(c);
    }
  }

  @Test
  void ejectedInstancesAreSkippedUntilReadmitted() {
    InstanceSelector selector = selector(LoadBalancer.roundRobin(), InstanceFilter.any(), 0);
    List<ServiceInstance> four = remotes(4);
    eject(four.get(2));

    Map<ServiceInstance, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      ServiceInstance c = chosen(selector.select(four, Set.of(), callOn(selector)));
      counts.merge(c, 1, Integer::sum);
      selector.load().release(c);
    }
    assertThat(counts).doesNotContainKey(four.get(2)).hasSize(3);

    clock.addAndGet(30_000_000_000L);
    counts.clear();
    for (int i = 0; i < 400; i++) {
      ServiceInstance c = chosen(selector.select(four, Set.of(), callOn(selector)));
      counts.merge(c, 1, Integer::sum);
      selector.load().release(c);
    }
    assertThat(counts).containsEntry(four.get(2), 100);
  }

  @Test
  void whenEveryInstanceIsEjectedTheyAreAllCalledAnyway() {
    InstanceSelector selector = new InstanceSelector(LoadBalancer.roundRobin(), InstanceFilter.any(),
        new OutlierEjection(OutlierPolicy.defaults().withMaxEjectedPercent(100), clock::get), new InstanceLoad(0));
    List<ServiceInstance> two = remotes(2);
    for (ServiceInstance instance : two) {
      for (int i = 0; i < 5; i++) {
        selector.ejection().onFailure(instance);
      }
    }

    Set<ServiceInstance> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      seen.add(chosen(selector.select(two, Set.of(), callOn(selector))));
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(two);
  }

  @Test
  void instancesAtTheirCapAreSkipped() {
    InstanceSelector selector = selector(LoadBalancer.roundRobin(), InstanceFilter.any(), 2);
    List<ServiceInstance> two = remotes(2);
    selector.load().tryAcquire(two.get(0));
    selector.load().tryAcquire(two.get(0));

    for (int i = 0; i < 2; i++) {
      assertThat(chosen(selector.select(two, Set.of(), callOn(selector)))).isEqualTo(two.get(1));
    }
    assertThat(selector.select(two, Set.of(), callOn(selector))).isEqualTo(new Selection.AllSaturated(2));
    selector.load().release(two.get(1));
    assertThat(chosen(selector.select(two, Set.of(), callOn(selector)))).isEqualTo(two.get(1));
  }

  @Test
  void localOnlyWithoutALocalInstanceIsNoneAvailableWithTheReason() {
    InstanceSelector selector = selector(LoadBalancer.localOnly(), InstanceFilter.any(), 0);

    assertThat(selector.select(remotes(2), Set.of(), callOn(selector))).isEqualTo(new Selection.NoneAvailable(
        "the local-only load balancer found none of the 2 candidate instances on the local node local@h0"));
  }

  @Test
  void localOnlyWithTheLocalInstanceAtItsCapIsSaturated() {
    InstanceSelector selector = selector(LoadBalancer.localOnly(), InstanceFilter.any(), 1);
    ServiceInstance local = instance(LOCAL.toString(), "1");
    List<ServiceInstance> live = new ArrayList<>(remotes(2));
    live.add(local);

    assertThat(chosen(selector.select(live, Set.of(), callOn(selector)))).isEqualTo(local);
    assertThat(selector.select(live, Set.of(), callOn(selector))).isEqualTo(new Selection.AllSaturated(1));
  }

  @Test
  void aSlotTakenByAnotherCallInTheMeantimeSendsTheBalancerBackForAnother() {
    InstanceLoad load = new InstanceLoad(1);
    List<ServiceInstance> two = remotes(2);
    // Simulates another thread filling the first candidate between the cap check and the acquire.
    LoadBalancer racing = (candidates, call) -> {
      if (candidates.contains(two.get(0))) {
        load.tryAcquire(two.get(0));
      }
      return Optional.of(candidates.get(0));
    };
    InstanceSelector selector = new InstanceSelector(racing, InstanceFilter.any(), ejection, load);

    assertThat(chosen(selector.select(two, Set.of(), callOn(selector)))).isEqualTo(two.get(1));
    assertThat(load.outstanding(two.get(0))).isEqualTo(1);
    assertThat(load.outstanding(two.get(1))).isEqualTo(1);
  }

  @Test
  void aBalancerThatChoosesOutsideItsCandidatesIsABug() {
    ServiceInstance stranger = instance("z@h", "1");
    InstanceSelector selector = selector((candidates, call) -> Optional.of(stranger), InstanceFilter.any(), 0);

    assertThatThrownBy(() -> selector.select(remotes(2), Set.of(), callOn(selector)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("which is not one of its candidates");
    InstanceSelector nullReturning = selector((candidates, call) -> null, InstanceFilter.any(), 0);
    assertThatThrownBy(() -> nullReturning.select(remotes(2), Set.of(), callOn(nullReturning)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null");
  }

  @Test
  void anEqualButNotIdenticalChoiceIsAccepted() {
    List<ServiceInstance> two = remotes(2);
    ServiceInstance copy = instance(two.get(1).node().toString(), two.get(1).instanceId());
    InstanceSelector selector = selector((candidates, call) -> Optional.of(copy), InstanceFilter.any(), 0);

    assertThat(chosen(selector.select(two, Set.of(), callOn(selector)))).isEqualTo(two.get(1));
  }

  @Test
  void exposesItsParts() {
    InstanceLoad load = new InstanceLoad(4);
    LoadBalancer balancer = LoadBalancer.random();
    InstanceFilter filter = InstanceFilter.any().withVersion("1");
    InstanceSelector selector = new InstanceSelector(balancer, filter, ejection, load);

    assertThat(selector.load()).isSameAs(load);
    assertThat(selector.ejection()).isSameAs(ejection);
    assertThat(selector.balancer()).isSameAs(balancer);
    assertThat(selector.filter()).isSameAs(filter);
  }
}
