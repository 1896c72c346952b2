package io.barrel.p2p.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.endpoint.NodeReport;
import io.barrel.p2p.autoconfigure.endpoint.P2pEndpoint;
import io.barrel.p2p.autoconfigure.health.P2pHealthIndicator;
import io.barrel.p2p.membership.DownReason;
import io.barrel.p2p.membership.MembershipEvent;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * Three Spring Boot applications with the starter, in one JVM, over real QUIC on 127.0.0.1: they
 * form a cluster from application properties alone, see each other's registrations, report UP, and
 * one that is closed unregisters its services, drains, and leaves gracefully, in that order.
 */
class ThreeNodeClusterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @AfterEach
  void closeAll() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  /** An application: the starter, plus what the test watches. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class NodeApp {

    @Bean
    EventRecorder eventRecorder() {
      return new EventRecorder();
    }

    @Bean
    DrainProbe drainProbe(P2pNode node) {
      return new DrainProbe(node);
    }
  }

  /** The barrel-p2p application events this context received, in order. */
  static class EventRecorder {
    final List<Object> events = new CopyOnWriteArrayList<>();

    @EventListener
    void on(MembershipEvent event) {
      events.add(event);
    }

    @EventListener
    void on(ServiceEvent event) {
      events.add(event);
    }
  }

  /** What the node looked like when its lifecycle waited for in-flight work. */
  static class DrainProbe implements InFlightDrain {
    private final P2pNode node;
    volatile String seen;

    DrainProbe(P2pNode node) {
      this.node = node;
    }

    @Override
    public boolean awaitDrained(Duration timeout) {
      seen = "running=" + node.isRunning() + " ownServices=" + node.registry().list().stream()
          .mapToInt(s -> node.registry().lookupLocal(s).size()).sum()
          + " neighbours=" + node.membership().activeView().size();
      return true;
    }
  }

  private ConfigurableApplicationContext start(String name, String contacts) {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApp.class)
        .web(WebApplicationType.NONE)
        .properties(properties(name, contacts))
        .run();
    contexts.add(context);
    return context;
  }

  private Map<String, Object> properties(String name, String contacts) {
    Map<String, Object> properties = new java.util.HashMap<>(Map.of(
            "spring.main.banner-mode", "off",
            "barrel.p2p.node-name", name + "@127.0.0.1",
            "barrel.p2p.data-directory", dir.resolve(name).toString(),
            "barrel.p2p.transport.bind-host", "127.0.0.1",
            "barrel.p2p.discovery.file-directory", dir.resolve("discovery").toString(),
            "barrel.p2p.auth.cluster-secret", "three-node-cluster-test-secret",
            "management.endpoints.web.exposure.include", "p2p,health"));
    if (!contacts.isEmpty()) {
      properties.put("barrel.p2p.contact-nodes", contacts);
    }
    return properties;
  }

  private static P2pNode node(ConfigurableApplicationContext context) {
    return context.getBean(P2pNode.class);
  }

  @Test
  void threeApplicationsFormAClusterSeeEachOthersServicesAndOneLeavesGracefully() {
    ConfigurableApplicationContext a = start("a", "");
    ConfigurableApplicationContext b = start("b", "a@127.0.0.1");
    ConfigurableApplicationContext c = start("c", "a@127.0.0.1,b@127.0.0.1");
    List<ConfigurableApplicationContext> all = List.of(a, b, c);
    node(a).registry().register("alpha", ServiceMetadata.EMPTY).join();
    node(b).registry().register("beta", ServiceMetadata.EMPTY).join();
    node(c).registry().register("gamma", ServiceMetadata.EMPTY).join();

    await().atMost(DEADLINE).untilAsserted(() -> {
      for (ConfigurableApplicationContext context : all) {
        P2pNode node = node(context);
        assertThat(node.membership().activeView()).as(node.name() + " neighbours").hasSize(2);
        assertThat(node.registry().list()).as(node.name() + " services").containsExactly("alpha", "beta", "gamma");
        assertThat(context.getBean(P2pHealthIndicator.class).health().getStatus()).as(node.name() + " health")
            .isEqualTo(Status.UP);
      }
    });

    for (ConfigurableApplicationContext context : all) {
      List<Object> events = context.getBean(EventRecorder.class).events;
      Set<NodeName> others = new java.util.HashSet<>(Set.of(node(a).name(), node(b).name(), node(c).name()));
      others.remove(node(context).name());
      await().atMost(DEADLINE).untilAsserted(() -> {
        assertThat(events).filteredOn(MembershipEvent.PeerUp.class::isInstance)
            .map(e -> ((MembershipEvent) e).peer()).containsAll(others);
        assertThat(events).filteredOn(ServiceEvent.Registered.class::isInstance)
            .map(e -> ((ServiceEvent) e).service()).contains("alpha", "beta", "gamma");
      });
    }

    NodeReport report = a.getBean(P2pEndpoint.class).report();
    assertThat(report.views().active()).containsExactlyInAnyOrder("b@127.0.0.1", "c@127.0.0.1");
    assertThat(report.services().cluster()).containsOnlyKeys("alpha", "beta", "gamma");
    assertThat(report.services().local()).extracting(NodeReport.Instance::service).containsExactly("alpha");
    assertThat(report.trust().pins()).extracting(NodeReport.Pin::node)
        .contains("b@127.0.0.1", "c@127.0.0.1"); // TOFU pinned the keys of the nodes it met
    MeterRegistry meters = a.getBean(MeterRegistry.class);
    assertThat(meters.get(MeterName.CONNECTIONS_ACTIVE.meterName()).tag("node", "a@127.0.0.1").gauge().value())
        .isEqualTo(2.0);
    assertThat(meters.get(MeterName.AUTH_ATTEMPTS.meterName()).tag("outcome", "ok").counters()).isNotEmpty();

    P2pNode leaving = node(c);
    DrainProbe probe = c.getBean(DrainProbe.class);
    c.close();

    assertThat(probe.seen)
        .as("when draining, c had unregistered its services but not yet left")
        .isEqualTo("running=true ownServices=0 neighbours=2");
    assertThat(leaving.isRunning()).isFalse();
    for (ConfigurableApplicationContext stays : List.of(a, b)) {
      List<Object> events = stays.getBean(EventRecorder.class).events;
      await().atMost(DEADLINE).untilAsserted(() -> {
        assertThat(events).as("gamma was unregistered, not lost with its node")
            .contains(new ServiceEvent.Unregistered(findInstance(events, "gamma")))
            .noneMatch(e -> e instanceof ServiceEvent.Down down && down.service().equals("gamma"));
        assertThat(events).contains(new MembershipEvent.PeerDown(leaving.name(), DownReason.GRACEFUL));
        assertThat(node(stays).registry().list()).containsExactly("alpha", "beta");
        assertThat(node(stays).membership().activeView()).hasSize(1);
      });
    }
  }

  private static io.barrel.p2p.registry.ServiceInstance findInstance(List<Object> events, String service) {
    return events.stream().filter(ServiceEvent.Registered.class::isInstance).map(e -> ((ServiceEvent) e).instance())
        .filter(i -> i.service().equals(service)).findFirst().orElseThrow();
  }
}
