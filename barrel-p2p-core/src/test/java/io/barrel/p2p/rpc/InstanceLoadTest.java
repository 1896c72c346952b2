package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import java.util.ArrayList;
import java.util.List;
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

class InstanceLoadTest {

  private final ServiceInstance a = instance("a@h", "1");
  private final ServiceInstance b = instance("b@h", "1");

  @Test
  void countsCallsInFlightPerInstance() {
    InstanceLoad load = new InstanceLoad(0);

    assertThat(load.tryAcquire(a)).isTrue();
    assertThat(load.tryAcquire(a)).isTrue();
    assertThat(load.tryAcquire(b)).isTrue();

    assertThat(load.outstanding(a)).isEqualTo(2);
    assertThat(load.outstanding(b)).isEqualTo(1);
    assertThat(load.total()).isEqualTo(3);
    load.release(a);
    assertThat(load.outstanding(a)).isEqualTo(1);
  }

  @Test
  void withoutACapNothingIsEverSaturated() {
    InstanceLoad load = new InstanceLoad(0);
    for (int i = 0; i < 10_000; i++) {
      assertThat(load.tryAcquire(a)).isTrue();
    }

    assertThat(load.saturated(a)).isFalse();
    assertThat(load.maxConcurrentPerInstance()).isZero();
  }

  @Test
  void theCapRefusesASlotUntilOneIsReleased() {
    InstanceLoad load = new InstanceLoad(2);
    load.tryAcquire(a);
    assertThat(load.saturated(a)).isFalse();
    load.tryAcquire(a);

    assertThat(load.saturated(a)).isTrue();
    assertThat(load.tryAcquire(a)).isFalse();
    assertThat(load.outstanding(a)).isEqualTo(2);
    assertThat(load.tryAcquire(b)).isTrue();
    load.release(a);
    assertThat(load.tryAcquire(a)).isTrue();
  }

  @Test
  void aReleaseWithoutAnAcquireIsABug() {
    InstanceLoad load = new InstanceLoad(0);

    assertThatThrownBy(() -> load.release(a)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("instance 1 on a@h").hasMessageContaining("has none taken");
    load.tryAcquire(a);
    load.release(a);
    assertThatThrownBy(() -> load.release(a)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void idleInstancesTakeNoMemory() {
    InstanceLoad load = new InstanceLoad(3);
    load.tryAcquire(a);
    load.tryAcquire(b);
    load.release(a);
    load.release(b);

    assertThat(load.total()).isZero();
    assertThat(load.outstanding(a)).isZero();
  }

  @Test
  void anInstanceIsKnownByItsIdentityNotItsMetadata() {
    InstanceLoad load = new InstanceLoad(0);
    ServiceInstance retagged = new ServiceInstance(a.service(), a.node(), a.incarnation(), a.instanceId(),
        ServiceMetadata.EMPTY.withTags(java.util.Set.of("blue")));
    load.tryAcquire(a);

    assertThat(load.outstanding(retagged)).isEqualTo(1);
    load.release(retagged);
    assertThat(load.outstanding(a)).isZero();
  }

  @Test
  void negativeCapsAreRefused() {
    assertThatThrownBy(() -> new InstanceLoad(-1)).hasMessage(
        "max concurrent calls per instance must be 0 (no cap) or more, got -1");
  }

  @Test
  void concurrentCallersNeverExceedTheCapAndCountsReturnToZero() throws Exception {
    InstanceLoad load = new InstanceLoad(3);
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger mostHeld = new AtomicInteger();
    AtomicInteger acquired = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            if (load.tryAcquire(a)) {
              acquired.incrementAndGet();
              mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
              holding.decrementAndGet();
              load.release(a);
            }
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

    assertThat(mostHeld.get()).isBetween(1, 3);
    assertThat(acquired.get()).isPositive();
    assertThat(load.outstanding(a)).isZero();
    assertThat(load.total()).isZero();
  }

  /** Acquires (true) and releases (false) in any order behave like a plain counter capped at the cap. */
  @Property(tries = 300)
  void behavesLikeACappedCounter(@ForAll @Size(max = 60) List<Boolean> acquires,
      @ForAll @IntRange(min = 0, max = 5) int cap) {
    InstanceLoad load = new InstanceLoad(cap);
    int model = 0;
    for (boolean acquire : acquires) {
      if (acquire) {
        boolean expected = cap == 0 || model < cap;
        assertThat(load.tryAcquire(a)).isEqualTo(expected);
        model += expected ? 1 : 0;
      } else if (model > 0) {
        load.release(a);
        model--;
      } else {
        assertThatThrownBy(() -> load.release(a)).isInstanceOf(IllegalStateException.class);
      }
      assertThat(load.outstanding(a)).isEqualTo(model);
      assertThat(load.saturated(a)).isEqualTo(cap > 0 && model >= cap);
    }
  }
}
