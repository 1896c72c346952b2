package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import org.junit.jupiter.api.Test;

class DuplicateRuleTest {

  private static final NodeName A = NodeName.of("a@h");
  private static final NodeName B = NodeName.of("b@h");

  @Test
  void bothEndsKeepTheConnectionDialedByTheSmallerName() {
    // On a: existing = a's own dial, candidate = b's dial -> keep a's.
    assertThat(DuplicateRule.candidateWins(A, B, A, B)).isFalse();
    // On b: existing = b's own dial, candidate = a's dial -> switch to a's.
    assertThat(DuplicateRule.candidateWins(B, A, B, A)).isTrue();
    // Arrival order reversed on each side: same outcome.
    assertThat(DuplicateRule.candidateWins(A, B, B, A)).isTrue();
    assertThat(DuplicateRule.candidateWins(B, A, A, B)).isFalse();
  }

  @Test
  void aRedialByTheSameNodeReplacesTheStaleConnection() {
    assertThat(DuplicateRule.candidateWins(A, B, A, A)).isTrue();
    assertThat(DuplicateRule.candidateWins(A, B, B, B)).isTrue();
  }
}
