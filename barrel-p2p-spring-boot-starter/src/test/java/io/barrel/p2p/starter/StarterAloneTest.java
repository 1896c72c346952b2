package io.barrel.p2p.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.P2pNodeLifecycle;
import io.barrel.p2p.metrics.Metrics;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application with nothing but the starter on its class path (no actuator, no health module, no
 * Micrometer): the auto-configuration is found through the jar's imports file, the node runs with
 * the context and stops with it.
 */
class StarterAloneTest {

  @TempDir
  Path dir;

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @Test
  void anApplicationWithOnlyTheStarterRunsANode() {
    assertThatThrownBy(() -> Class.forName("org.springframework.boot.health.contributor.HealthIndicator"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
        .isInstanceOf(ClassNotFoundException.class);
    P2pNode node;
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "barrel.p2p.node-name=solo@127.0.0.1",
            "barrel.p2p.data-directory=" + dir, "barrel.p2p.transport.bind-host=127.0.0.1",
            "barrel.p2p.single-node=true")
        .run()) {
      node = context.getBean(P2pNode.class);
      assertThat(node.isRunning()).isTrue();
      assertThat(context.getBean(P2pNodeLifecycle.class).isRunning()).isTrue();
      assertThat(context.getBean(NodeConfig.class).metrics()).isSameAs(Metrics.noop());
    }
    assertThat(node.isRunning()).isFalse();
  }
}
