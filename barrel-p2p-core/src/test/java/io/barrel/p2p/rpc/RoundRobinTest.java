package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.idleCall;
import static io.barrel.p2p.rpc.BalancingFixtures.instance;
import static io.barrel.p2p.rpc.BalancingFixtures.remotes;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

  private static List<ServiceInstance> picks(LoadBalancer balancer, List<ServiceInstance> candidates, int n) {
    List<ServiceInstance> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(balancer.choose(candidates, idleCall("x")).orElseThrow());
    }
    return out;
  }

  @Test
  void visitsEachCandidateInTurn() {
    List<ServiceInstance> three = remotes(3);

    assertThat(picks(LoadBalancer.roundRobin(), three, 7)).containsExactly(three.get(0), three.get(1), three.get(2),
        three.get(0), three.get(1), three.get(2), three.get(0));
  }

  @Test
  void weightsInterleaveWithinEachCycle() {
    ServiceInstance a = instance("a@h", "1", 300);
    ServiceInstance b = instance("b@h", "1", 200);
    ServiceInstance c = instance("c@h", "1", 100);

    assertThat(picks(LoadBalancer.roundRobin(), List.of(a, b, c), 12)).containsExactly(a, b, c, a, b, a, a, b, c, a,
        b, a);
  }

  @Test
  void weightsAreReducedByTheirCommonDivisor() {
    ServiceInstance a = instance("a@h", "1", 200);
    ServiceInstance b = instance("b@h", "1", 100);

    assertThat(picks(LoadBalancer.roundRobin(), List.of(a, b), 6)).containsExactly(a, b, a, a, b, a);
  }

  @Test
  void concurrentCallersShareOneExactRotation() throws Exception {
    LoadBalancer balancer = LoadBalancer.roundRobin();
    List<ServiceInstance> four = remotes(4);
    Map<ServiceInstance, AtomicInteger> counts = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 10_000; i++) {
            ServiceInstance chosen = balancer.choose(four, idleCall("x")).orElseThrow();
            counts.computeIfAbsent(chosen, k -> new AtomicInteger()).incrementAndGet();
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

    assertThat(counts).hasSize(4);
    assertThat(counts.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(20_000));
  }

  @Test
  void aSingleCandidateIsChosenAndNoneGivesNothing() {
    ServiceInstance only = instance("a@h", "1");

    assertThat(LoadBalancer.roundRobin().choose(List.of(only), idleCall("x"))).contains(only);
    assertThat(LoadBalancer.roundRobin().choose(List.of(), idleCall("x"))).isEmpty();
  }

  /** Over any whole cycle, from any starting turn, each candidate gets exactly its reduced weight. */
  @Property(tries = 300)
  void everyCycleGivesEachCandidateItsWeight(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 12) Integer> weights,
      @ForAll @IntRange(min = 0, max = 1000) int start) {
    List<ServiceInstance> candidates = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      candidates.add(instance("n" + i + "@h", "1", weights.get(i) * 10));
    }
    int gcd = weights.stream().reduce(0, RoundRobinTest::gcd);
    int cycle = weights.stream().mapToInt(w -> w / gcd).sum();
    int[] counts = new int[weights.size()];
    int longestRun = 0;
    int run = 0;
    int previous = -1;
    for (long turn = start; turn < start + cycle; turn++) {
      int i = RoundRobin.weightedTurn(candidates, turn);
      counts[i]++;
      run = i == previous ? run + 1 : 1;
      previous = i;
      longestRun = Math.max(longestRun, run);
    }

    for (int i = 0; i < weights.size(); i++) {
      assertThat(counts[i]).isEqualTo(weights.get(i) / gcd);
    }
    // Interleaved: one candidate runs twice in a row at most where the cycle wraps, unless it is alone
    // in the last rounds of the cycle (the heaviest, beyond every other weight).
    int maxReduced = weights.stream().mapToInt(w -> w / gcd).max().orElseThrow();
    int secondReduced = weights.size() == 1 ? 0 : weights.stream().mapToInt(w -> w / gcd).sorted()
        .skip(weights.size() - 2).findFirst().orElseThrow();
    assertThat(longestRun).isLessThanOrEqualTo(Math.max(2, maxReduced - secondReduced + 1));
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
