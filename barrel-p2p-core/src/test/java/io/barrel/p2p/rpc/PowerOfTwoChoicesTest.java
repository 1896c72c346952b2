package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.BALANCE;
import static io.barrel.p2p.rpc.BalancingFixtures.LOCAL;
import static io.barrel.p2p.rpc.BalancingFixtures.call;
import static io.barrel.p2p.rpc.BalancingFixtures.chiSquare;
import static io.barrel.p2p.rpc.BalancingFixtures.countPicks;
import static io.barrel.p2p.rpc.BalancingFixtures.countsInOrder;
import static io.barrel.p2p.rpc.BalancingFixtures.idleCall;
import static io.barrel.p2p.rpc.BalancingFixtures.instance;
import static io.barrel.p2p.rpc.BalancingFixtures.remotes;
import static io.barrel.p2p.rpc.BalancingFixtures.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesTest {

  private final ServiceInstance local = instance(LOCAL.toString(), "1");

  private static CallContext loaded(Map<ServiceInstance, Integer> outstanding) {
    return call(BALANCE, new Object[] {"x"}, i -> outstanding.getOrDefault(i, 0));
  }

  @Test
  void spreadsCallsEvenlyWhenNothingIsInFlight() {
    List<ServiceInstance> five = remotes(5);

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.powerOfTwoChoices(new Random(1)), five,
        idleCall("x"), 10_000);

    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(1800, 2200));
    assertThat(chiSquare(countsInOrder(counts, five), uniform(5))).isLessThan(18.47);
  }

  @Test
  void sendsCallsToTheLessLoadedOfTwoDraws() {
    List<ServiceInstance> four = remotes(4);
    Map<ServiceInstance, Integer> outstanding = Map.of(four.get(0), 0, four.get(1), 1, four.get(2), 2,
        four.get(3), 8);

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.powerOfTwoChoices(new Random(2)), four,
        loaded(outstanding), 10_000);

    // The k-th least loaded of n wins when drawn with a more loaded one: 2(n−1−k) / (n(n−1)) of the
    // time, so 1/2, 1/3, 1/6 and never for the busiest.
    assertThat(counts.get(four.get(3))).isZero();
    assertThat(chiSquare(countsInOrder(counts, four.subList(0, 3)), List.of(1 / 2.0, 1 / 3.0, 1 / 6.0)))
        .isLessThan(13.82);
  }

  @Test
  void theLoneLessLoadedOfTwoAlwaysWins() {
    List<ServiceInstance> two = remotes(2);

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.powerOfTwoChoices(new Random(3)), two,
        loaded(Map.of(two.get(0), 5, two.get(1), 4)), 1000);

    assertThat(counts.get(two.get(1))).isEqualTo(1000);
  }

  /**
   * A simulation in ticks: one call arrives per tick and stays in flight for its instance's service
   * time (calls run concurrently, as on a server's thread pool); three instances take 8 ticks per
   * call and one takes 40. A random pick sends the slow one a quarter of the calls, so about ten are
   * in flight there (Little's law: 0.25 × 40); power of two choices sees those counts and sends it
   * far fewer.
   */
  @Test
  void sendsFewerCallsToASlowInstanceThanARandomPickDoes() {
    List<ServiceInstance> four = remotes(4);
    int[] serviceTicks = {8, 8, 8, 40};

    Simulation p2c = simulate(LoadBalancer.powerOfTwoChoices(new Random(4)), four, serviceTicks, 10_000);
    Simulation random = simulate(LoadBalancer.random(new Random(4)), four, serviceTicks, 10_000);

    assertThat(random.share(3)).isBetween(0.23, 0.27);
    assertThat(p2c.share(3)).as("slow instance's share under P2C").isLessThan(0.15);
    assertThat(p2c.mostInFlight[3]).isLessThan(random.mostInFlight[3]);
    for (int i = 0; i < 3; i++) {
      assertThat(p2c.share(i)).isBetween(0.28, 0.33);
    }
  }

  private record Simulation(int[] calls, int[] mostInFlight, int total) {
    double share(int i) {
      return calls[i] / (double) total;
    }
  }

  private static Simulation simulate(LoadBalancer balancer, List<ServiceInstance> instances, int[] serviceTicks,
      int ticks) {
    int n = instances.size();
    int[] inFlight = new int[n];
    int[] calls = new int[n];
    int[] most = new int[n];
    List<ArrayDeque<Integer>> finishing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      finishing.add(new ArrayDeque<>());
    }
    Map<ServiceInstance, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(instances.get(i), i);
    }
    CallContext call = call(BALANCE, new Object[] {"x"}, i -> inFlight[index.get(i)]);
    for (int tick = 0; tick < ticks; tick++) {
      for (int i = 0; i < n; i++) {
        while (!finishing.get(i).isEmpty() && finishing.get(i).peekFirst() <= tick) {
          finishing.get(i).pollFirst();
          inFlight[i]--;
        }
      }
      int chosen = index.get(balancer.choose(instances, call).orElseThrow());
      calls[chosen]++;
      inFlight[chosen]++;
      most[chosen] = Math.max(most[chosen], inFlight[chosen]);
      finishing.get(chosen).addLast(tick + serviceTicks[chosen]);
    }
    return new Simulation(calls, most, ticks);
  }

  @Test
  void weightsSetTheShareWhenNothingIsInFlight() {
    List<ServiceInstance> weighted = List.of(instance("a@h", "1", 100), instance("b@h", "1", 300));

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.powerOfTwoChoices(new Random(5)), weighted,
        idleCall("x"), 10_000);

    assertThat(chiSquare(countsInOrder(counts, weighted), List.of(0.25, 0.75))).isLessThan(10.83);
  }

  @Test
  void unevenWeightsStillPreferTheLessLoaded() {
    List<ServiceInstance> three = List.of(instance("a@h", "1", 100), instance("b@h", "1", 200),
        instance("c@h", "1", 300));

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.powerOfTwoChoices(new Random(6)), three,
        loaded(Map.of(three.get(2), 10)), 10_000);

    assertThat(counts.get(three.get(2))).isZero();
    assertThat(counts.get(three.get(0)) + counts.get(three.get(1))).isEqualTo(10_000);
  }

  @Test
  void aLocalInstanceWinsWhileItIsNoBusierThanTheMargin() {
    List<ServiceInstance> candidates = new ArrayList<>(remotes(4));
    candidates.add(local);
    LoadBalancer balancer = LoadBalancer.powerOfTwoChoices(new Random(7));

    assertThat(countPicks(balancer, candidates, idleCall("x"), 1000).get(local)).isEqualTo(1000);
    assertThat(countPicks(balancer, candidates, loaded(Map.of(local, 2)), 1000).get(local)).isEqualTo(1000);
    assertThat(countPicks(balancer, candidates, loaded(Map.of(local, 3)), 1000).get(local)).isZero();
    Map<ServiceInstance, Integer> everyoneBusy = new HashMap<>();
    for (ServiceInstance c : candidates) {
      everyoneBusy.put(c, 1);
    }
    everyoneBusy.put(local, 3);
    assertThat(countPicks(balancer, candidates, loaded(everyoneBusy), 1000).get(local)).isEqualTo(1000);
  }

  @Test
  void theLocalInstanceIsComparedWithTheRemotePickNotTheBestRemote() {
    List<ServiceInstance> candidates = new ArrayList<>(remotes(3));
    candidates.add(local);
    // Remote loads 0, 10, 10: the remote pick is the idle one only when it is among the two draws
    // (2 of 3 pairs); otherwise it is a busy one (10) and the local instance (at 3) wins.
    Map<ServiceInstance, Integer> outstanding = Map.of(candidates.get(0), 0, candidates.get(1), 10,
        candidates.get(2), 10, local, 3);

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.powerOfTwoChoices(new Random(8)), candidates,
        loaded(outstanding), 9000);

    assertThat(counts.get(local)).isBetween(2700, 3300);
    assertThat(counts.get(candidates.get(0))).isEqualTo(9000 - counts.get(local));
  }

  @Test
  void theLeastLoadedOfSeveralLocalInstancesIsTheLocalCandidate() {
    ServiceInstance local2 = instance(LOCAL.toString(), "2");
    List<ServiceInstance> candidates = List.of(remotes(1).get(0), local, local2);

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.powerOfTwoChoices(new Random(9)), candidates,
        loaded(Map.of(local, 2)), 1000);

    assertThat(counts.get(local2)).isEqualTo(1000);
  }

  @Test
  void onlyLocalCandidatesAreBalancedAmongThemselves() {
    ServiceInstance local2 = instance(LOCAL.toString(), "2");

    Map<ServiceInstance, Integer> counts = countPicks(LoadBalancer.powerOfTwoChoices(new Random(10)),
        List.of(local, local2), idleCall("x"), 10_000);

    assertThat(chiSquare(countsInOrder(counts, List.of(local, local2)), uniform(2))).isLessThan(10.83);
  }

  @Test
  void aNegativeMarginTurnsTheLocalPreferenceOff() {
    List<ServiceInstance> candidates = new ArrayList<>(remotes(3));
    candidates.add(local);
    LoadBalancer balancer = LoadBalancer.powerOfTwoChoices(new Random(11), -1);

    Map<ServiceInstance, Integer> counts = countPicks(balancer, candidates, idleCall("x"), 10_000);

    assertThat(chiSquare(countsInOrder(counts, candidates), uniform(4))).isLessThan(16.27);
    assertThat(balancer).hasToString("power-of-two-choices (local margin -1)");
  }

  @Test
  void aLargerMarginKeepsCallsLocalLonger() {
    List<ServiceInstance> candidates = List.of(remotes(1).get(0), local);
    LoadBalancer balancer = LoadBalancer.powerOfTwoChoices(new Random(12), Integer.MAX_VALUE);

    assertThat(countPicks(balancer, candidates, loaded(Map.of(local, 1_000_000)), 100).get(local)).isEqualTo(100);
  }

  @Test
  void aSingleCandidateIsChosenAndNoneGivesNothing() {
    ServiceInstance only = instance("a@h", "1");

    assertThat(LoadBalancer.powerOfTwoChoices().choose(List.of(only), idleCall("x"))).contains(only);
    assertThat(LoadBalancer.powerOfTwoChoices().choose(List.of(), idleCall("x"))).isEmpty();
  }

  @Test
  void aSharedSeededGeneratorIsSafeAcrossThreads() throws Exception {
    // SplittableRandom is not thread-safe: the balancer must draw from it under a lock.
    LoadBalancer balancer = LoadBalancer.powerOfTwoChoices(new SplittableRandom(13));
    List<ServiceInstance> five = remotes(5);
    AtomicInteger picks = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 5000; i++) {
            assertThat(five).contains(balancer.choose(five, idleCall("x")).orElseThrow());
            picks.incrementAndGet();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(picks.get()).isEqualTo(40_000);
  }
}
