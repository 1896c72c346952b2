package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import org.junit.jupiter.api.Test;

class DuplicateRuleTest {

  private static final NodeName A = NodeName.of("a@h");
  private static final NodeName B = NodeName.of("b@h");
  /** The peer's life on both connections, for the cases where it did not restart. */
  private static final long LIFE = 1_760_000_000_000L;

  @Test
  void bothEndsKeepTheConnectionDialedByTheSmallerName() {
    // On a: existing = a's own dial, candidate = b's dial -> keep a's.
    assertThat(DuplicateRule.candidateWins(A, B, A, B, LIFE, LIFE)).isFalse();
    // On b: existing = b's own dial, candidate = a's dial -> switch to a's.
    assertThat(DuplicateRule.candidateWins(B, A, B, A, LIFE, LIFE)).isTrue();
    // Arrival order reversed on each side: same outcome.
    assertThat(DuplicateRule.candidateWins(A, B, B, A, LIFE, LIFE)).isTrue();
    assertThat(DuplicateRule.candidateWins(B, A, A, B, LIFE, LIFE)).isFalse();
  }

  @Test
  void aRedialByTheSameNodeReplacesTheStaleConnection() {
    assertThat(DuplicateRule.candidateWins(A, B, A, A, LIFE, LIFE)).isTrue();
    assertThat(DuplicateRule.candidateWins(A, B, B, B, LIFE, LIFE)).isTrue();
  }

  @Test
  void aConnectionToALaterLifeOfThePeerWinsWhoeverDialedEither() {
    // On a, whose own dial would win the tie-break: b restarted and dialed a from its new life.
    assertThat(DuplicateRule.candidateWins(A, B, A, B, LIFE, LIFE + 1)).isTrue();
    // On a again: a dialed b's new life while still holding b's dial from its previous one.
    assertThat(DuplicateRule.candidateWins(A, B, B, A, LIFE, LIFE + 1)).isTrue();
    // On b, whose peer a restarted: the same whichever way the tie-break points.
    assertThat(DuplicateRule.candidateWins(B, A, A, B, LIFE, LIFE + 1)).isTrue();
    assertThat(DuplicateRule.candidateWins(B, A, B, A, LIFE, LIFE + 1)).isTrue();
  }

  @Test
  void aConnectionToAnEarlierLifeNeverDisplacesOneToALaterLife() {
    // A handshake with the dead life that completed late, whatever the tie-break would say.
    assertThat(DuplicateRule.candidateWins(A, B, B, A, LIFE + 1, LIFE)).isFalse();
    assertThat(DuplicateRule.candidateWins(B, A, B, A, LIFE + 1, LIFE)).isFalse();
    assertThat(DuplicateRule.candidateWins(A, B, A, A, LIFE + 1, LIFE)).isFalse();
  }

  @Test
  void onlyALoserThatReachedAnEarlierLifeThanTheKeptConnectionIsAnIdentityConflict() {
    assertThat(DuplicateRule.earlierLifeStillRunning(LIFE + 1, LIFE)).isTrue();
    assertThat(DuplicateRule.earlierLifeStillRunning(LIFE, LIFE)).as("same life: a plain duplicate").isFalse();
    assertThat(DuplicateRule.earlierLifeStillRunning(LIFE, LIFE + 1)).as("a later life never loses").isFalse();
  }
}
