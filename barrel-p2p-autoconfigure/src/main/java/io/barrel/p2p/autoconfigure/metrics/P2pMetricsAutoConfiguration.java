package io.barrel.p2p.autoconfigure.metrics;

import io.barrel.p2p.autoconfigure.P2pAutoConfiguration;
import io.barrel.p2p.autoconfigure.P2pProperties;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.metrics.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Sends every meter of the core's catalogue ({@link MeterName}) to the application's
 * {@link MeterRegistry}, tagged {@code node=<node-name>}, when Micrometer and a registry are
 * present. Without them the node records nothing.
 */
@AutoConfiguration(after = {MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class},
    before = P2pAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, MetricsAutoConfiguration.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "barrel.p2p.enabled", matchIfMissing = true)
@EnableConfigurationProperties(P2pProperties.class)
public final class P2pMetricsAutoConfiguration {

  /**
   * The sink the node's layers report to; the node configuration picks it up. The node name is
   * there: {@link P2pProperties} refuses to bind without it.
   */
  @Bean
  @ConditionalOnMissingBean
  Metrics p2pMetrics(MeterRegistry registry, P2pProperties properties) {
    return new MicrometerMetrics(registry, properties.getNodeName().toString());
  }
}
