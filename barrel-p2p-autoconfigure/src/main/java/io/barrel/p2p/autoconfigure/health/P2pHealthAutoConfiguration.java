package io.barrel.p2p.autoconfigure.health;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.P2pAutoConfiguration;
import io.barrel.p2p.autoconfigure.P2pProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code p2p} health indicator, when Spring Boot's health module is on the class path and
 * {@code management.health.p2p.enabled} is not false.
 */
@AutoConfiguration(after = P2pAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(P2pNode.class)
public final class P2pHealthAutoConfiguration {

  /**
   * Named {@code p2p} in {@code /actuator/health} (Boot drops the HealthIndicator suffix). The
   * health module's own condition sits here, not on the class, so that it is never even read when
   * the module is absent.
   */
  @Bean
  @ConditionalOnEnabledHealthIndicator("p2p")
  @ConditionalOnMissingBean(name = "p2pHealthIndicator")
  P2pHealthIndicator p2pHealthIndicator(P2pNode node, P2pProperties properties) {
    return new P2pHealthIndicator(node, properties.isSingleNode());
  }
}
