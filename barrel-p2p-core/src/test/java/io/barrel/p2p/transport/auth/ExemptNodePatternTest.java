package io.barrel.p2p.transport.auth;

import static io.barrel.p2p.transport.auth.Fixtures.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExemptNodePatternTest {

  @Test
  void exactPatternMatchesOnlyThatNode() {
    ExemptNodePattern pattern = ExemptNodePattern.parse("ops@bastion");

    assertThat(pattern.matches(name("ops@bastion"))).isTrue();
    assertThat(pattern.matches(name("ops@bastion2"))).isFalse();
    assertThat(pattern.matches(name("Ops@bastion"))).isFalse();
  }

  @Test
  void wildcardNameMatchesEveryNameOnTheHost() {
    ExemptNodePattern pattern = ExemptNodePattern.parse("*@10.0.0.7");

    assertThat(pattern.matches(name("a@10.0.0.7"))).isTrue();
    assertThat(pattern.matches(name("a@10.0.0.70"))).isFalse();
  }

  @Test
  void wildcardHostMatchesTheNameOnEveryHost() {
    ExemptNodePattern pattern = ExemptNodePattern.parse("monitor@*");

    assertThat(pattern.matches(name("monitor@x"))).isTrue();
    assertThat(pattern.matches(name("monitoring@x"))).isFalse();
  }

  @Test
  void doubleWildcardMatchesEveryone() {
    assertThat(ExemptNodePattern.parse("*@*").matches(name("any@one"))).isTrue();
  }

  @Test
  void wildcardIsWholeHalvesOnlyNotAGlob() {
    assertThatThrownBy(() -> ExemptNodePattern.parse("web*@host")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("web*@host");
  }

  @Test
  void patternWithoutAnAtSignIsAConfigurationError() {
    assertThatThrownBy(() -> ExemptNodePattern.parse("bastion")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bastion'").hasMessageContaining("name@host");
  }

  @Test
  void patternWithTwoAtSignsOrEmptyHalvesIsAConfigurationError() {
    assertThatThrownBy(() -> ExemptNodePattern.parse("a@b@c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExemptNodePattern.parse("@host")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExemptNodePattern.parse("name@")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExemptNodePattern.parse("-x@host")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void printsAsItWasWritten() {
    assertThat(ExemptNodePattern.parse("*@bastion")).hasToString("*@bastion");
  }
}
