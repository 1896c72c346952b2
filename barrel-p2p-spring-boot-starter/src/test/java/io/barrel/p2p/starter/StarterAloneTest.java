package io.barrel.p2p.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.P2pNodeLifecycle;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.spring.ImportP2pServices;
import io.barrel.p2p.spring.P2pService;
import io.barrel.p2p.spring.P2pServicesRegistrar;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * An application with nothing but the starter on its class path (no actuator, no health module, no
 * Micrometer): the auto-configuration is found through the jar's imports file, the node runs with
 * the context and stops with it, and RPC works: a {@code @P2pService} bean is called through an
 * injected proxy.
 */
class StarterAloneTest {

  @TempDir
  Path dir;

  /** A service interface. */
  public interface Echo {
    String echo(String text);
  }

  /** Serves {@link Echo}. */
  @P2pService
  static class EchoService implements Echo {
    @Override
    public String echo(String text) {
      return "echo " + text;
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @ImportP2pServices(group = "echo", types = Echo.class)
  static class App {
    @Bean
    EchoService echoService() {
      return new EchoService();
    }
  }

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
      Echo proxy = (Echo) context.getBean(P2pServicesRegistrar.beanName("echo", Echo.class));
      assertThat(proxy.echo("hi")).isEqualTo("echo hi");
      assertThat(node.rpc().publications()).hasSize(1);
    }
    assertThat(node.isRunning()).isFalse();
  }
}
