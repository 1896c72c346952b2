package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.instance;
import static io.barrel.p2p.rpc.BalancingFixtures.remotes;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class OutlierEjectionTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(123 * SECOND);
  private final OutlierEjection ejection = new OutlierEjection(OutlierPolicy.defaults(), clock::get);
  private final ServiceInstance a = instance("a@h", "1");
  private final ServiceInstance b = instance("b@h", "1");

  private void fail(ServiceInstance instance, int times) {
    for (int i = 0; i < times; i++) {
      ejection.onFailure(instance);
    }
  }

  private void advance(long nanos) {
    clock.addAndGet(nanos);
  }

  @Test
  void theFifthFailureInARowEjects() {
    for (int i = 1; i <= 4; i++) {
      assertThat(ejection.onFailure(a)).as("failure %d", i).isFalse();
      assertThat(ejection.isEjected(a)).isFalse();
    }

    assertThat(ejection.onFailure(a)).isTrue();
    assertThat(ejection.isEjected(a)).isTrue();
    assertThat(ejection.isEjected(b)).isFalse();
    assertThat(ejection.ejections()).isEqualTo(1);
    assertThat(ejection.ejectedNow()).isEqualTo(1);
  }

  @Test
  void aSuccessStartsTheCountOver() {
    fail(a, 4);
    ejection.onSuccess(a);
    fail(a, 4);

    assertThat(ejection.isEjected(a)).isFalse();
    assertThat(ejection.onFailure(a)).isTrue();
  }

  @Test
  void anEjectedInstanceIsReadmittedWhenTheBasePeriodEnds() {
    fail(a, 5);

    advance(30 * SECOND - 1);
    assertThat(ejection.isEjected(a)).isTrue();
    advance(1);
    assertThat(ejection.isEjected(a)).isFalse();
    assertThat(ejection.ejectedNow()).isZero();
  }

  @Test
  void failuresWhileEjectedNeitherCountNorExtendTheEjection() {
    fail(a, 5);
    advance(10 * SECOND);

    assertThat(ejection.onFailure(a)).isFalse();
    fail(a, 20);
    advance(20 * SECOND);

    assertThat(ejection.isEjected(a)).isFalse();
    assertThat(ejection.ejections()).isEqualTo(1);
    // The failures while ejected were not kept: it takes five fresh ones to eject again.
    fail(a, 4);
    assertThat(ejection.isEjected(a)).isFalse();
  }

  @Test
  void aSuccessDoesNotShortenAnEjection() {
    fail(a, 5);
    ejection.onSuccess(a);

    assertThat(ejection.isEjected(a)).isTrue();
  }

  @Test
  void repeatOffendersAreEjectedForDoublingPeriodsUpToTheMaximum() {
    long[] expectedSeconds = {30, 60, 120, 240, 300, 300};
    for (long seconds : expectedSeconds) {
      assertThat(ejection.onFailure(a) || failUntilEjected(a)).isTrue();
      advance(seconds * SECOND - 1);
      assertThat(ejection.isEjected(a)).as("%d s ejection still on", seconds).isTrue();
      advance(1);
      assertThat(ejection.isEjected(a)).as("%d s ejection over", seconds).isFalse();
    }
    assertThat(ejection.ejections()).isEqualTo(expectedSeconds.length);
  }

  private boolean failUntilEjected(ServiceInstance instance) {
    for (int i = 0; i < 10; i++) {
      if (ejection.onFailure(instance)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void everyBasePeriodSpentAdmittedForgetsOneEarlierEjection() {
    fail(a, 5);
    advance(30 * SECOND);
    fail(a, 5);
    advance(60 * SECOND);
    fail(a, 5);
    advance(120 * SECOND);
    // Three ejections so far; staying admitted for two base periods forgets two of them.
    advance(2 * 30 * SECOND);
    fail(a, 5);

    advance(60 * SECOND - 1);
    assertThat(ejection.isEjected(a)).isTrue();
    advance(1);
    assertThat(ejection.isEjected(a)).isFalse();
  }

  @Test
  void aRecoveredInstanceStartsOverAndLeavesNoRecord() {
    fail(a, 5);
    advance(30 * SECOND);
    advance(30 * SECOND);
    ejection.onSuccess(a);

    assertThat(ejection.tracked()).isZero();
    fail(a, 5);
    advance(30 * SECOND);
    assertThat(ejection.isEjected(a)).isFalse();
  }

  @Test
  void healthyInstancesTakeNoMemory() {
    for (ServiceInstance instance : remotes(100)) {
      ejection.onFailure(instance);
      ejection.onSuccess(instance);
      ejection.onSuccess(instance);
    }

    assertThat(ejection.tracked()).isZero();
  }

  @Test
  void retainForgetsInstancesThatAreGone() {
    fail(a, 5);
    fail(b, 3);

    ejection.retain(List.of(b));

    assertThat(ejection.tracked()).isEqualTo(1);
    assertThat(ejection.isEjected(a)).isFalse();
    fail(b, 2);
    assertThat(ejection.isEjected(b)).isTrue();
  }

  @Test
  void anInstanceIsKnownByItsIdentityNotItsMetadata() {
    ServiceInstance retagged = new ServiceInstance(a.service(), a.node(), a.incarnation(), a.instanceId(),
        ServiceMetadata.EMPTY.withVersion("9").withWeight(5));
    ServiceInstance restarted = new ServiceInstance(a.service(), a.node(), a.incarnation() + 1, a.instanceId(),
        a.metadata());
    fail(a, 4);

    assertThat(ejection.onFailure(retagged)).isTrue();
    assertThat(ejection.isEjected(a)).isTrue();
    assertThat(ejection.isEjected(restarted)).isFalse();
    ejection.retain(List.of(retagged));
    assertThat(ejection.isEjected(a)).isTrue();
  }

  @Test
  void admittedLeavesOutEjectedInstancesKeepingTheOrder() {
    List<ServiceInstance> four = remotes(4);
    fail(four.get(1), 5);

    assertThat(ejection.admitted(four)).containsExactly(four.get(0), four.get(2), four.get(3));
    assertThat(ejection.admitted(List.of())).isEmpty();
  }

  @Test
  void atMostTheConfiguredShareIsLeftOutKeepingThoseReadmittedSoonest() {
    List<ServiceInstance> ten = remotes(10);
    for (int i = 0; i < 7; i++) {
      fail(ten.get(i), 5);
      advance(SECOND);
    }

    // 7 of 10 ejected, at most 5 may be left out: instances 0 and 1 (ejected first, back soonest) stay.
    assertThat(ejection.admitted(ten)).containsExactly(ten.get(0), ten.get(1), ten.get(7), ten.get(8), ten.get(9));
  }

  @Test
  void equalEjectionEndsAreLeftOutInCandidateOrder() {
    List<ServiceInstance> four = remotes(4);
    for (ServiceInstance instance : four.subList(0, 3)) {
      fail(instance, 5);
    }

    assertThat(ejection.admitted(four)).containsExactly(four.get(2), four.get(3));
  }

  @Test
  void whenEveryCandidateIsEjectedAllAreCalledAnyway() {
    OutlierEjection all = new OutlierEjection(OutlierPolicy.defaults().withMaxEjectedPercent(100), clock::get);
    List<ServiceInstance> three = remotes(3);
    for (ServiceInstance instance : three) {
      for (int i = 0; i < 5; i++) {
        all.onFailure(instance);
      }
    }

    assertThat(all.admitted(three)).containsExactlyElementsOf(three);
    assertThat(all.admitted(three.subList(0, 1))).containsExactly(three.get(0));
  }

  @Test
  void aLoneInstanceIsNeverLeftOutUnderTheDefaultShare() {
    fail(a, 5);

    assertThat(ejection.isEjected(a)).isTrue();
    assertThat(ejection.admitted(List.of(a))).containsExactly(a);
    assertThat(ejection.admitted(List.of(a, b))).containsExactly(b);
  }

  @Test
  void aDisabledPolicyTracksNothing() {
    OutlierEjection off = new OutlierEjection(OutlierPolicy.disabled(), clock::get);
    for (int i = 0; i < 100; i++) {
      assertThat(off.onFailure(a)).isFalse();
    }

    assertThat(off.isEjected(a)).isFalse();
    assertThat(off.admitted(List.of(a, b))).containsExactly(a, b);
    assertThat(off.tracked()).isZero();
    assertThat(off.ejections()).isZero();
  }

  @Test
  void concurrentFailuresEjectExactlyOnce() throws Exception {
    OutlierEjection shared = new OutlierEjection(
        OutlierPolicy.defaults().withEjection(Duration.ofMinutes(1), Duration.ofMinutes(5)), clock::get);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger ejectedByMe = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 1000; i++) {
            if (shared.onFailure(a)) {
              ejectedByMe.incrementAndGet();
            }
            shared.isEjected(a);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(ejectedByMe.get()).isEqualTo(1);
    assertThat(shared.ejections()).isEqualTo(1);
  }

  @Property(tries = 300)
  void admittedNeverLeavesOutMoreThanTheShareAndKeepsTheSoonestBack(
      @ForAll @Size(min = 1, max = 20) List<@IntRange(min = 0, max = 5) Integer> ejectedForSeconds,
      @ForAll @IntRange(min = 0, max = 100) int percent) {
    AtomicLong now = new AtomicLong();
    OutlierPolicy policy = new OutlierPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(10), percent);
    OutlierEjection tracker = new OutlierEjection(policy, now::get);
    int n = ejectedForSeconds.size();
    List<ServiceInstance> candidates = remotes(n);
    // Instance i is ejected at 5 − s_i seconds (s_i = 0: never) for 10 s, so its ejection ends at
    // 15 − s_i: the larger s_i, the sooner it comes back. At 5 s every ejection is still on.
    for (int s = 5; s >= 1; s--) {
      for (int i = 0; i < n; i++) {
        if (ejectedForSeconds.get(i) == s) {
          tracker.onFailure(candidates.get(i));
        }
      }
      now.addAndGet(SECOND);
    }
    int ejectedCount = (int) ejectedForSeconds.stream().filter(s -> s > 0).count();

    List<ServiceInstance> admitted = tracker.admitted(candidates);

    int allowed = policy.enabled() ? n * percent / 100 : 0;
    int expectedLeftOut = ejectedCount == n ? 0 : Math.min(ejectedCount, allowed);
    assertThat(admitted).hasSize(n - expectedLeftOut);
    assertThat(candidates).containsSubsequence(admitted);
    for (int i = 0; i < n; i++) {
      boolean kept = admitted.contains(candidates.get(i));
      if (ejectedForSeconds.get(i) == 0) {
        assertThat(kept).as("instance %d is not ejected", i).isTrue();
      }
      for (int j = 0; j < n; j++) {
        boolean otherKept = admitted.contains(candidates.get(j));
        int si = ejectedForSeconds.get(i);
        int sj = ejectedForSeconds.get(j);
        if (si > 0 && sj > 0 && !kept && otherKept) {
          // A left-out instance never comes back later than a kept ejected one.
          assertThat(si).isLessThanOrEqualTo(sj);
        }
      }
    }
  }
}
