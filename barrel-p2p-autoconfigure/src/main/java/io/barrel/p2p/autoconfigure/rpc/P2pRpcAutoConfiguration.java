package io.barrel.p2p.autoconfigure.rpc;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.P2pAutoConfiguration;
import io.barrel.p2p.autoconfigure.P2pProperties;
import io.barrel.p2p.rpc.ServiceLocator;
import io.barrel.p2p.spring.P2pServiceClients;
import io.barrel.p2p.spring.P2pServicesRegistrar;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * RPC in a Spring application: the {@link ServiceLocator} bean, the proxies of
 * {@code @ImportP2pServices} interfaces ({@link P2pServiceClients}), publication of
 * {@code @P2pService} beans ({@link P2pServicePublisher}) and the drain of calls in flight when the
 * node stops ({@link RpcCallDrain}). Every bean backs off for the application's own.
 */
@AutoConfiguration(after = P2pAutoConfiguration.class)
@ConditionalOnBean(P2pNode.class)
public final class P2pRpcAutoConfiguration {

  /** Finds services and makes proxies, with {@code barrel.p2p.rpc.call-defaults}. */
  @Bean
  @ConditionalOnMissingBean
  ServiceLocator p2pServiceLocator(P2pNode node, NodeConfig config) {
    return new NodeServiceLocator(node, config.rpc().callDefaults());
  }

  /** The proxies of {@code @ImportP2pServices} interfaces, with their groups' settings. */
  @Bean
  @ConditionalOnMissingBean
  P2pServiceClients p2pServiceClients(ServiceLocator locator, NodeConfig config, P2pProperties properties,
      ConfigurableListableBeanFactory beanFactory) {
    return new GroupedServiceClients(locator, config.rpc().callDefaults(), properties.getClient(),
        P2pServicesRegistrar.declared(beanFactory), config.rpc().limits());
  }

  /** Publishes the {@code @P2pService} beans once the node runs, unpublishes them before it stops. */
  @Bean
  @ConditionalOnMissingBean
  P2pServicePublisher p2pServicePublisher(P2pNode node, NodeConfig config) {
    return new P2pServicePublisher(node, config.leaveTimeout().plusSeconds(1));
  }

  /** Waits for RPC calls in flight when the node stops, before it leaves the cluster. */
  @Bean
  @ConditionalOnMissingBean
  RpcCallDrain p2pRpcCallDrain(P2pNode node, NodeConfig config) {
    return new RpcCallDrain(node, config.rpc().drainTimeout());
  }
}
