package io.barrel.p2p.autoconfigure.endpoint;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.P2pAutoConfiguration;
import io.barrel.p2p.autoconfigure.rpc.P2pRpcAutoConfiguration;
import io.barrel.p2p.spring.P2pServiceClients;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * The {@code p2p} actuator endpoint, when the actuator is on the class path and the endpoint is
 * available (accessible and exposed, e.g. {@code management.endpoints.web.exposure.include=p2p}).
 */
@AutoConfiguration(after = {P2pAutoConfiguration.class, P2pRpcAutoConfiguration.class})
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(P2pNode.class)
@ImportRuntimeHints(P2pEndpointAutoConfiguration.ReportHints.class)
public final class P2pEndpointAutoConfiguration {

  /**
   * The endpoint, reading and acting on the node. The actuator's own condition sits here, not on
   * the class, so that it is never even read when the actuator is absent.
   */
  @Bean
  @ConditionalOnAvailableEndpoint
  @ConditionalOnMissingBean
  P2pEndpoint p2pEndpoint(P2pNode node, NodeConfig config, ObjectProvider<P2pServiceClients> clients) {
    return new P2pEndpoint(node, config.leaveTimeout(), clients.getIfAvailable());
  }

  /** The report records are serialised to JSON by reflection. */
  static final class ReportHints implements RuntimeHintsRegistrar {
    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
      new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), NodeReport.class);
    }
  }
}
