package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pool's rules: most recently used first, a bound per peer, idle expiry, claims taken once. */
class StreamPoolTest {

  private static final NodeName A = NodeName.of("a@h");
  private static final NodeName B = NodeName.of("b@h");

  /** Idle when offered; claimed at most once per offer. */
  private static final class Fake implements StreamPool.PooledStream {
    final NodeName peer;
    final AtomicInteger state = new AtomicInteger(0); // 0 idle, 1 busy

    Fake(NodeName peer) {
      this.peer = peer;
    }

    @Override
    public NodeName peer() {
      return peer;
    }

    @Override
    public boolean claim() {
      return state.compareAndSet(0, 1);
    }

    Fake idle() {
      state.set(0);
      return this;
    }
  }

  @Test
  void takesTheMostRecentlyUsedStreamOfThatPeer() {
    StreamPool pool = new StreamPool();
    Fake a1 = new Fake(A);
    Fake a2 = new Fake(A);
    Fake b1 = new Fake(B);
    assertThat(pool.offer(a1, 0)).isTrue();
    assertThat(pool.offer(a2, 1)).isTrue();
    assertThat(pool.offer(b1, 2)).isTrue();
    assertThat(pool.take(A)).isSameAs(a2);
    assertThat(pool.take(A)).isSameAs(a1);
    assertThat(pool.take(A)).isNull();
    assertThat(pool.take(B)).isSameAs(b1);
    assertThat(pool.idle(A)).isZero();
  }

  @Test
  void aStreamAlreadyClaimedOrClosedIsSkipped() {
    StreamPool pool = new StreamPool();
    Fake gone = new Fake(A);
    Fake fresh = new Fake(A);
    pool.offer(fresh, 0);
    pool.offer(gone, 1);
    gone.state.set(1); // closed while idle, not yet removed
    assertThat(pool.take(A)).isSameAs(fresh);
    assertThat(pool.take(A)).isNull();
  }

  @Test
  void keepsAtMostTheBoundPerPeer() {
    StreamPool pool = new StreamPool();
    for (int i = 0; i < StreamPool.MAX_IDLE_PER_PEER; i++) {
      assertThat(pool.offer(new Fake(A), i)).isTrue();
    }
    assertThat(pool.offer(new Fake(A), 100)).isFalse();
    assertThat(pool.offer(new Fake(B), 100)).as("the bound is per peer").isTrue();
    assertThat(pool.idle(A)).isEqualTo(StreamPool.MAX_IDLE_PER_PEER);
  }

  @Test
  void sweepTakesOutOnlyStreamsIdleLongerThanTheIdleTime() {
    StreamPool pool = new StreamPool();
    Fake old = new Fake(A);
    Fake recent = new Fake(A);
    pool.offer(old, 0);
    pool.offer(recent, StreamPool.IDLE_NANOS / 2);
    assertThat(pool.sweep(StreamPool.IDLE_NANOS - 1)).isEmpty();
    assertThat(pool.sweep(StreamPool.IDLE_NANOS)).containsExactly(old);
    assertThat(old.state).as("claimed for closing").hasValue(1);
    assertThat(pool.take(A)).isSameAs(recent);
  }

  @Test
  void removeForgetsABrokenStream() {
    StreamPool pool = new StreamPool();
    Fake s = new Fake(A);
    pool.offer(s, 0);
    pool.remove(s);
    assertThat(pool.idle(A)).isZero();
    assertThat(pool.take(A)).isNull();
    pool.offer(s.idle(), 1);
    assertThat(pool.take(A)).isSameAs(s);
  }
}
