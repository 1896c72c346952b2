package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthConfigTest {

  private static final String GOOD_SECRET = "0123456789abcdef";
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void defaultsFollowTheReferenceSystemAndPass() {
    AuthConfig defaults = AuthConfig.defaults();

    assertThat(defaults.verifyIdentity()).isTrue();
    assertThat(defaults.allowUnauthenticated()).isFalse();
    assertThat(defaults.timestampWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.exemptNodes()).isEmpty();
    assertThat(defaults.usesDefaultSecret()).isTrue();
    assertThatCode(defaults::validate).doesNotThrowAnyException();
  }

  @Test
  void defaultSecretRaisesALoudWarning() {
    assertThat(AuthConfig.defaults().warnings()).singleElement().asString()
        .startsWith("SECURITY WARNING").contains("barrel.p2p.auth.cluster-secret", "public default");
  }

  @Test
  void ownSecretWithIdentityChecksOnHasNoWarnings() {
    assertThat(new AuthConfig(true, false, GOOD_SECRET, WINDOW, TIMEOUT, List.of()).warnings()).isEmpty();
  }

  @Test
  void disablingAuthWithoutConsentIsRefused() {
    AuthConfig config = new AuthConfig(false, false, GOOD_SECRET, WINDOW, TIMEOUT, List.of());

    assertThatThrownBy(config::validate).isInstanceOf(UnsafeConfigurationException.class)
        .hasMessageStartingWith("auth is disabled but barrel.p2p.auth.allow-unauthenticated is not set; ");
  }

  @Test
  void disablingAuthWithConsentPassesWithAWarning() {
    AuthConfig config = new AuthConfig(false, true, GOOD_SECRET, WINDOW, TIMEOUT, List.of());

    assertThatCode(config::validate).doesNotThrowAnyException();
    assertThat(config.warnings()).singleElement().asString().contains("verify-identity is false");
  }

  @Test
  void exemptNodesWithTheDefaultSecretAreRefused() {
    AuthConfig config = new AuthConfig(true, false, AuthConfig.DEFAULT_CLUSTER_SECRET, WINDOW, TIMEOUT,
        List.of(ExemptNodePattern.parse("*@10.0.0.1")));

    assertThatThrownBy(config::validate).isInstanceOf(UnsafeConfigurationException.class)
        .hasMessageContaining("exempt-nodes").hasMessageContaining("*@10.0.0.1").hasMessageContaining("public default");
  }

  @Test
  void exemptNodesWithAnOwnSecretPass() {
    AuthConfig config = new AuthConfig(true, false, GOOD_SECRET, WINDOW, TIMEOUT, List.of(ExemptNodePattern.parse("*@*")));

    assertThatCode(config::validate).doesNotThrowAnyException();
  }

  @Test
  void shortSecretIsRefused() {
    AuthConfig config = new AuthConfig(true, false, "0123456789abcde", WINDOW, TIMEOUT, List.of());

    assertThatThrownBy(config::validate).isInstanceOf(UnsafeConfigurationException.class)
        .hasMessageContaining("15 characters").hasMessageContaining("at least 16");
  }

  @Test
  void missingOrBlankSecretIsRefused() {
    assertThatThrownBy(new AuthConfig(true, false, null, WINDOW, TIMEOUT, List.of())::validate)
        .isInstanceOf(UnsafeConfigurationException.class).hasMessageContaining("cluster-secret is empty");
    assertThatThrownBy(new AuthConfig(true, false, " ".repeat(20), WINDOW, TIMEOUT, List.of())::validate)
        .isInstanceOf(UnsafeConfigurationException.class).hasMessageContaining("cluster-secret is empty");
  }

  @Test
  void anUnresolvedPlaceholderAsSecretIsRefusedWithoutShowingAnyRealSecret() {
    assertThatThrownBy(new AuthConfig(true, false, "${BARREL_P2P_SECRET}", WINDOW, TIMEOUT, List.of())::validate)
        .isInstanceOf(UnsafeConfigurationException.class)
        .hasMessageContaining("cluster-secret is the placeholder ${BARREL_P2P_SECRET}")
        .hasMessageContaining("not resolved");
    // Mixed with other text the value may be a real secret: the message does not repeat it.
    assertThatThrownBy(new AuthConfig(true, false, "prefix-0123456789-${X}", WINDOW, TIMEOUT, List.of())::validate)
        .isInstanceOf(UnsafeConfigurationException.class).hasMessageContaining("contains \"${\"")
        .hasMessageNotContaining("prefix-0123456789");
  }

  @Test
  void nonPositiveDurationsAreRefused() {
    assertThatThrownBy(new AuthConfig(true, false, GOOD_SECRET, Duration.ZERO, TIMEOUT, List.of())::validate)
        .isInstanceOf(UnsafeConfigurationException.class).hasMessageContaining("timestamp-window");
    assertThatThrownBy(new AuthConfig(true, false, GOOD_SECRET, WINDOW, Duration.ofMillis(-1), List.of())::validate)
        .isInstanceOf(UnsafeConfigurationException.class).hasMessageContaining("handshake-timeout");
    assertThatThrownBy(new AuthConfig(true, false, GOOD_SECRET, WINDOW, null, List.of())::validate)
        .isInstanceOf(UnsafeConfigurationException.class).hasMessageContaining("handshake-timeout");
  }

  @Test
  void nullExemptListMeansNone() {
    assertThat(new AuthConfig(true, false, GOOD_SECRET, WINDOW, TIMEOUT, null).exemptNodes()).isEmpty();
  }

  @Test
  void toStringNeverShowsTheSecret() {
    String shown = new AuthConfig(true, false, "super-secret-value-123", WINDOW, TIMEOUT, List.of()).toString();

    assertThat(shown).doesNotContain("super-secret-value-123").contains("<redacted>");
  }

  @Test
  void exemptionMatchesAnyOfThePatterns() {
    AuthConfig config = new AuthConfig(true, false, GOOD_SECRET, WINDOW, TIMEOUT,
        List.of(ExemptNodePattern.parse("ops@*"), ExemptNodePattern.parse("*@bastion")));

    assertThat(config.isExempt(Fixtures.name("ops@anywhere"))).isTrue();
    assertThat(config.isExempt(Fixtures.name("app@bastion"))).isTrue();
    assertThat(config.isExempt(Fixtures.name("app@host"))).isFalse();
  }
}
