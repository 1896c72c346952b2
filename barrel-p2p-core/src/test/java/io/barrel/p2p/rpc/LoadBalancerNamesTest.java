package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadBalancerNamesTest {

  @Test
  void eachConfigurationNameGivesItsBalancer() {
    assertThat(LoadBalancer.named("power-of-two-choices")).isInstanceOf(PowerOfTwoChoices.class)
        .hasToString("power-of-two-choices");
    assertThat(LoadBalancer.named("p2c")).isInstanceOf(PowerOfTwoChoices.class);
    assertThat(LoadBalancer.named("round-robin")).isInstanceOf(RoundRobin.class).hasToString("round-robin");
    assertThat(LoadBalancer.named("random")).isInstanceOf(RandomPick.class).hasToString("random");
    assertThat(LoadBalancer.named("local-only")).isInstanceOf(LocalOnly.class).hasToString("local-only");
    assertThat(LoadBalancer.named("consistent-hash:3")).isInstanceOf(ConsistentHash.class)
        .hasToString("consistent-hash:3");
    assertThat(((ConsistentHash) LoadBalancer.named("consistent-hash:0")).argumentIndex()).isZero();
    assertThat(LoadBalancer.named(" round-robin ")).isInstanceOf(RoundRobin.class);
  }

  @Test
  void eachNameGivesAFreshBalancer() {
    assertThat(LoadBalancer.named("round-robin")).isNotSameAs(LoadBalancer.named("round-robin"));
  }

  @Test
  void unknownNamesAreRefusedNamingTheAllowedOnes() {
    assertThatThrownBy(() -> LoadBalancer.named("least-connections")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown load balancer 'least-connections'; use one of power-of-two-choices (or p2c),"
            + " round-robin, random, local-only, consistent-hash:<argument index>");
    assertThatThrownBy(() -> LoadBalancer.named("Round-Robin")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LoadBalancer.named("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LoadBalancer.named(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void aConsistentHashNameNeedsAValidArgumentIndex() {
    for (String bad : new String[] {"consistent-hash", "consistent-hash:", "consistent-hash:x", "consistent-hash:-1",
        "consistent-hash:1000", "consistent-hash:+1"}) {
      assertThatThrownBy(() -> LoadBalancer.named(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> LoadBalancer.named("consistent-hash:x")).hasMessage(
        "load balancer 'consistent-hash:x': the argument index must be a number 0..254, e.g. consistent-hash:0");
    assertThatThrownBy(() -> LoadBalancer.named("consistent-hash:255")).hasMessage(
        "consistent-hash argument index must be 0..254, got 255");
    assertThatThrownBy(() -> LoadBalancer.consistentHash(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
