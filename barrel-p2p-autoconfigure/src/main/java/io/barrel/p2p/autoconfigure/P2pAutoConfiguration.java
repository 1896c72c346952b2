package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.discovery.Discovery;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.rpc.RpcCodec;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * A barrel-p2p node in every Spring Boot application that has the starter: binds
 * {@code barrel.p2p.*} onto a {@link NodeConfig}, builds the {@link P2pNode}, runs it with the
 * context ({@link P2pNodeLifecycle}) and republishes its events ({@link P2pEventRepublisher}).
 * Every bean backs off when the application defines its own; {@code barrel.p2p.enabled=false} turns
 * the whole starter off.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "barrel.p2p.enabled", matchIfMissing = true)
@EnableConfigurationProperties(P2pProperties.class)
@ImportRuntimeHints(P2pRuntimeHints.class)
public final class P2pAutoConfiguration {

  /** The core's defaults behind the application's properties (static: it runs before beans exist). */
  @Bean
  @ConditionalOnMissingBean
  static CoreDefaultsInstaller p2pCoreDefaultsInstaller() {
    return new CoreDefaultsInstaller();
  }

  /** Binds {@code barrel.p2p.auth.exempt-nodes}. */
  @Bean
  @ConfigurationPropertiesBinding
  @ConditionalOnMissingBean
  static ExemptNodePatternConverter p2pExemptNodePatternConverter() {
    return new ExemptNodePatternConverter();
  }

  /** Binds {@code barrel.p2p.rpc.call-defaults.balancer} and {@code barrel.p2p.client.<group>.balancer}. */
  @Bean
  @ConfigurationPropertiesBinding
  @ConditionalOnMissingBean
  static LoadBalancerConverter p2pLoadBalancerConverter(BeanFactory beanFactory) {
    return new LoadBalancerConverter(beanFactory);
  }

  /**
   * The node's configuration: the properties, plus a {@link Metrics} bean, {@link Discovery} beans
   * and an {@link RpcCodec} bean if any.
   */
  @Bean
  @ConditionalOnMissingBean
  NodeConfig p2pNodeConfig(P2pProperties properties, ObjectProvider<Metrics> metrics,
      ObjectProvider<Discovery> discoveries, ObjectProvider<RpcCodec> codec) {
    return properties.toNodeConfig(metrics.getIfAvailable(Metrics::noop), discoveries.orderedStream().toList(),
        codec.getIfUnique());
  }

  /** The node; {@link P2pNodeLifecycle} starts it. */
  @Bean
  @ConditionalOnMissingBean
  P2pNode p2pNode(NodeConfig config) {
    return new P2pNode(config);
  }

  /** Starts the node with the context and stops it gracefully. */
  @Bean
  @ConditionalOnMissingBean
  P2pNodeLifecycle p2pNodeLifecycle(P2pNode node, NodeConfig config, P2pProperties properties,
      ObjectProvider<InFlightDrain> drains) {
    return new P2pNodeLifecycle(node, config, properties.getShutdown().getDrainTimeout(),
        drains.orderedStream().toList());
  }

  /** Membership and registry events as Spring application events. */
  @Bean
  @ConditionalOnMissingBean
  P2pEventRepublisher p2pEventRepublisher(P2pNode node, ApplicationEventPublisher publisher) {
    return new P2pEventRepublisher(node, publisher);
  }
}
