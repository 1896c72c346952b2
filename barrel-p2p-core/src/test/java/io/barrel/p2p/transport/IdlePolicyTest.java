package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdlePolicyTest {

  private final IdlePolicy policy = new IdlePolicy(Duration.ofMinutes(5));
  private final long fiveMinutes = Duration.ofMinutes(5).toNanos();

  @Test
  void reapsOnlyIdleStreamlessConnectionsOutsideTheActiveView() {
    assertThat(policy.shouldReap(false, 0, fiveMinutes)).isTrue();
    assertThat(policy.shouldReap(false, 0, fiveMinutes + 1)).isTrue();
  }

  @Test
  void neverReapsAnActiveViewPeer() {
    assertThat(policy.shouldReap(true, 0, Long.MAX_VALUE)).isFalse();
  }

  @Test
  void neverReapsAConnectionWithAnOpenStream() {
    assertThat(policy.shouldReap(false, 1, Long.MAX_VALUE)).isFalse();
  }

  @Test
  void idleTimeNotAgeDecides() {
    assertThat(policy.shouldReap(false, 0, fiveMinutes - 1)).isFalse();
  }
}
