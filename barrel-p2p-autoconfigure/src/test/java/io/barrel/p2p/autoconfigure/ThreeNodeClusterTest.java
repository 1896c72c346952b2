package io.barrel.p2p.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.endpoint.NodeReport;
import io.barrel.p2p.autoconfigure.endpoint.P2pEndpoint;
import io.barrel.p2p.autoconfigure.health.P2pHealthIndicator;
import io.barrel.p2p.autoconfigure.rpc.api.Inventory;
import io.barrel.p2p.autoconfigure.rpc.api.Item;
import io.barrel.p2p.autoconfigure.rpc.api.Reservation;
import io.barrel.p2p.membership.DownReason;
import io.barrel.p2p.membership.MembershipEvent;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.NoInstanceAvailableException;
import io.barrel.p2p.spring.ImportP2pServices;
import io.barrel.p2p.spring.P2pService;
import io.barrel.p2p.spring.P2pServiceClients;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * Three Spring Boot applications with the starter, in one JVM, over real QUIC on 127.0.0.1: they
 * form a cluster from application properties alone, see each other's registrations, report UP, call
 * a {@code @P2pService} of another node through an injected proxy with their client group's settings,
 * and one that is closed unpublishes its services, finishes the calls it is serving, and leaves
 * gracefully, in that order.
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

  /** An application: the starter, plus what the test watches; it may serve Inventory, and it calls it. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @ImportP2pServices(group = "stock", types = Inventory.class)
  static class NodeApp {

    @Bean
    EventRecorder eventRecorder() {
      return new EventRecorder();
    }

    @Bean
    DrainProbe drainProbe(P2pNode node) {
      return new DrainProbe(node);
    }

    @Bean
    @ConditionalOnBooleanProperty("test.serve-inventory")
    NodeInventory nodeInventory(P2pNode node) {
      return new NodeInventory(node.name().toString());
    }

    @Bean
    Shop shop(@Qualifier("stock") Inventory inventory) {
      return new Shop(inventory);
    }
  }

  /** Takes the proxy by constructor, as an application would. */
  record Shop(Inventory inventory) {}

  /** The Inventory a node serves, answering with its own name. */
  @P2pService(version = "${test.inventory-version}", tags = "eu")
  static class NodeInventory implements Inventory {
    private final String node;

    NodeInventory(String node) {
      this.node = node;
    }

    @Override
    public Reservation reserve(Item item, int quantity) {
      return new Reservation(item, quantity, node);
    }

    @Override
    public CompletableFuture<List<Item>> items() {
      return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public String hold(long millis) throws InterruptedException {
      Thread.sleep(millis);
      return node;
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
          + " neighbours=" + node.membership().activeView().size()
          + " callsBeingServed=" + node.rpc().callsBeingServed();
      return true;
    }
  }

  private ConfigurableApplicationContext start(String name, String contacts, String... more) {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApp.class)
        .web(WebApplicationType.NONE)
        .properties(properties(name, contacts))
        .properties(more)
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
  void threeApplicationsFormAClusterSeeEachOthersServicesAndOneLeavesGracefully() throws Exception {
    // a calls Inventory, version 1.* only, round robin, two attempts; b serves version 2.0, c version 1.4.
    ConfigurableApplicationContext a = start("a", "", "barrel.p2p.client.stock.version=1.*",
        "barrel.p2p.client.stock.tags=eu", "barrel.p2p.client.stock.balancer=round-robin",
        "barrel.p2p.client.stock.max-attempts=2", "barrel.p2p.client.stock.deadline=20s");
    ConfigurableApplicationContext b = start("b", "a@127.0.0.1", "test.serve-inventory=true",
        "test.inventory-version=2.0");
    ConfigurableApplicationContext c = start("c", "a@127.0.0.1,b@127.0.0.1", "test.serve-inventory=true",
        "test.inventory-version=1.4");
    List<ConfigurableApplicationContext> all = List.of(a, b, c);
    String inventory = Inventory.class.getName();
    node(a).registry().register("alpha", ServiceMetadata.EMPTY).join();
    node(b).registry().register("beta", ServiceMetadata.EMPTY).join();
    node(c).registry().register("gamma", ServiceMetadata.EMPTY).join();

    await().atMost(DEADLINE).untilAsserted(() -> {
      for (ConfigurableApplicationContext context : all) {
        P2pNode node = node(context);
        assertThat(node.membership().activeView()).as(node.name() + " neighbours").hasSize(2);
        assertThat(node.registry().list()).as(node.name() + " services")
            .containsExactlyInAnyOrder("alpha", "beta", "gamma", inventory);
        assertThat(node.registry().lookup(inventory)).as(node.name() + " inventories").hasSize(2);
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

    // a's injected proxy calls c only: the group's version filter leaves b's 2.0 out.
    Inventory proxy = a.getBean(Shop.class).inventory();
    for (int i = 0; i < 5; i++) {
      assertThat(proxy.reserve(new Item("sku-" + i, "bolt"), i + 1))
          .isEqualTo(new Reservation(new Item("sku-" + i, "bolt"), i + 1, "c@127.0.0.1"));
    }
    CallOptions stock = a.getBean(P2pServiceClients.class).options("stock");
    assertThat(stock.policy().maxAttempts()).isEqualTo(2);
    assertThat(stock.balancer()).hasToString("round-robin");
    MeterRegistry aMeters = a.getBean(MeterRegistry.class);
    assertThat(aMeters.get(MeterName.RPC_CLIENT_CALLS.meterName()).tag("node", "a@127.0.0.1").tag("service", inventory)
        .timer().count()).isEqualTo(5);
    assertThat(c.getBean(MeterRegistry.class).get(MeterName.RPC_SERVER_CALLS.meterName()).tag("node", "c@127.0.0.1")
        .tag("service", inventory).timer().count()).isEqualTo(5);

    NodeReport report = a.getBean(P2pEndpoint.class).report();
    assertThat(report.views().active()).containsExactlyInAnyOrder("b@127.0.0.1", "c@127.0.0.1");
    assertThat(report.services().cluster()).containsOnlyKeys("alpha", "beta", "gamma", inventory);
    assertThat(report.rpc().clients()).containsOnlyKeys("stock");
    assertThat(c.getBean(P2pEndpoint.class).report().rpc().publications())
        .extracting(NodeReport.Publication::service, NodeReport.Publication::version)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(inventory, "1.4"));
    assertThat(report.services().local()).extracting(NodeReport.Instance::service).containsExactly("alpha");
    assertThat(report.trust().pins()).extracting(NodeReport.Pin::node)
        .contains("b@127.0.0.1", "c@127.0.0.1"); // TOFU pinned the keys of the nodes it met
    MeterRegistry meters = a.getBean(MeterRegistry.class);
    assertThat(meters.get(MeterName.CONNECTIONS_ACTIVE.meterName()).tag("node", "a@127.0.0.1").gauge().value())
        .isEqualTo(2.0);
    assertThat(meters.get(MeterName.AUTH_ATTEMPTS.meterName()).tag("outcome", "ok").counters()).isNotEmpty();

    // A call c is serving when it stops finishes before c leaves.
    P2pNode leaving = node(c);
    DrainProbe probe = c.getBean(DrainProbe.class);
    CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
      try {
        return proxy.hold(1_500);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(DEADLINE).until(() -> leaving.rpc().callsBeingServed() == 1);
    c.close();

    assertThat(held).as("the call c was serving when it stopped").succeedsWithin(DEADLINE).isEqualTo("c@127.0.0.1");
    assertThat(probe.seen)
        .as("when the application's drain ran, c had unpublished and unregistered its services, finished the RPC"
            + " call it was serving, and not yet left")
        .isEqualTo("running=true ownServices=0 neighbours=2 callsBeingServed=0");
    assertThat(leaving.isRunning()).isFalse();
    for (ConfigurableApplicationContext stays : List.of(a, b)) {
      List<Object> events = stays.getBean(EventRecorder.class).events;
      await().atMost(DEADLINE).untilAsserted(() -> {
        assertThat(events).as("gamma was unregistered, not lost with its node")
            .contains(new ServiceEvent.Unregistered(findInstance(events, "gamma")))
            .noneMatch(e -> e instanceof ServiceEvent.Down down && down.service().equals("gamma"));
        assertThat(events).contains(new MembershipEvent.PeerDown(leaving.name(), DownReason.GRACEFUL));
        assertThat(node(stays).registry().list()).containsExactlyInAnyOrder("alpha", "beta", inventory);
        assertThat(node(stays).registry().lookup(inventory)).extracting(i -> i.node().toString())
            .as("c's Inventory is gone, b's stays").containsExactly("b@127.0.0.1");
        assertThat(events).as("c's Inventory was unpublished, not lost with its node")
            .anyMatch(e -> e instanceof ServiceEvent.Unregistered u && u.service().equals(inventory)
                && u.instance().node().equals(leaving.name()))
            .noneMatch(e -> e instanceof ServiceEvent.Down down && down.service().equals(inventory));
        assertThat(node(stays).membership().activeView()).hasSize(1);
      });
    }
    // With no 1.* instance left, a's calls fail at once, saying why, rather than going to b's 2.0.
    assertThatThrownBy(() -> proxy.reserve(new Item("x", "nut"), 1)).isInstanceOf(NoInstanceAvailableException.class)
        .hasMessageContaining("version '1.*'");
  }

  @Test
  void aCallThatOutlivesTheShutdownDrainTimeoutIsCancelledThenNotWaitedForASecondTime() {
    // s's drain stage may take 1 s in all; its rpc.drain-timeout alone would allow 30 s.
    ConfigurableApplicationContext server = start("s", "", "test.serve-inventory=true", "test.inventory-version=1.0",
        "barrel.p2p.shutdown.drain-timeout=1s", "barrel.p2p.rpc.drain-timeout=30s");
    ConfigurableApplicationContext caller = start("k", "s@127.0.0.1", "barrel.p2p.client.stock.deadline=90s",
        "barrel.p2p.client.stock.max-attempts=1");
    await().atMost(DEADLINE).until(() -> node(caller).registry().lookup(Inventory.class.getName()).size() == 1);
    Inventory proxy = caller.getBean(Shop.class).inventory();
    CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
      try {
        return proxy.hold(60_000);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    P2pNode stopping = node(server);
    await().atMost(DEADLINE).until(() -> stopping.rpc().callsBeingServed() == 1);

    long started = System.nanoTime();
    server.close();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(stopping.isRunning()).isFalse();
    assertThat(took).as("the stop waited for the call within shutdown.drain-timeout (1 s), then left; not another"
        + " rpc.drain-timeout (30 s)").isLessThan(Duration.ofSeconds(15));
    assertThat(held).as("the call still running was cancelled").failsWithin(DEADLINE);
  }

  private static io.barrel.p2p.registry.ServiceInstance findInstance(List<Object> events, String service) {
    return events.stream().filter(ServiceEvent.Registered.class::isInstance).map(e -> ((ServiceEvent) e).instance())
        .filter(i -> i.service().equals(service)).findFirst().orElseThrow();
  }
}
