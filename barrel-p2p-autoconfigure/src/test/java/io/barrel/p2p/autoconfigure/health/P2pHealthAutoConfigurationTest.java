package io.barrel.p2p.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.P2pAutoConfiguration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class P2pHealthAutoConfigurationTest {

  @TempDir
  Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class, P2pHealthAutoConfiguration.class))
        .withPropertyValues("barrel.p2p.node-name=a@127.0.0.1", "barrel.p2p.data-directory=" + dir,
            "barrel.p2p.transport.bind-host=127.0.0.1");
  }

  @Test
  void aSingleNodeIsUpWithItsDetails() {
    runner().withPropertyValues("barrel.p2p.single-node=true").run(context -> {
      assertThat(context).hasSingleBean(P2pHealthIndicator.class).hasBean("p2pHealthIndicator");
      Health health = context.getBean(P2pHealthIndicator.class).health();
      P2pNode node = context.getBean(P2pNode.class);
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("node", "a@127.0.0.1")
          .containsEntry("fingerprint", node.fingerprint().hex())
          .containsEntry("listenAddress", "127.0.0.1:" + node.listenAddress().getPort())
          .containsEntry("activeView", 0).containsEntry("passiveView", 0).containsEntry("connections", 0)
          .containsEntry("joined", false).containsEntry("singleNode", true)
          .containsKeys("advertisedAddress", "registrySynced");
    });
  }

  @Test
  void aNodeWithoutNeighboursIsOutOfServiceAndSaysWhy() {
    runner().withPropertyValues("barrel.p2p.contact-nodes=b@127.0.0.1").run(context -> {
      Health health = context.getBean(P2pHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
      assertThat((String) health.getDetails().get("reason")).startsWith("no neighbour yet");
    });
  }

  @Test
  void aNodeThatIsNotRunningIsDown() {
    P2pNode notStarted = new P2pNode(NodeConfig.builder("z@127.0.0.1").dataDirectory(dir).build());
    Health health = new P2pHealthIndicator(notStarted, true).health();
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("node", "z@127.0.0.1")
        .containsEntry("reason", "the node is not running");
  }

  @Test
  void theIndicatorCanBeDisabledOrReplaced() {
    runner().withPropertyValues("management.health.p2p.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(P2pHealthIndicator.class).hasSingleBean(P2pNode.class));
    runner().withBean("p2pHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
        .run(context -> assertThat(context).doesNotHaveBean(P2pHealthIndicator.class));
  }

  @Test
  void withoutTheHealthModuleThereIsNoIndicatorAndTheNodeStillRuns() {
    runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
        .withPropertyValues("barrel.p2p.single-node=true")
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(P2pHealthIndicator.class);
          assertThat(context.getBean(P2pNode.class).isRunning()).isTrue();
        });
  }

  @Test
  void withoutTheStarterThereIsNoIndicator() {
    runner().withPropertyValues("barrel.p2p.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(P2pHealthIndicator.class));
  }
}
