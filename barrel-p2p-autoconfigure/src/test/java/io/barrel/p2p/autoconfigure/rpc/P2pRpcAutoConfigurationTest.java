package io.barrel.p2p.autoconfigure.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.InFlightDrain;
import io.barrel.p2p.autoconfigure.P2pAutoConfiguration;
import io.barrel.p2p.autoconfigure.P2pNodeLifecycle;
import io.barrel.p2p.autoconfigure.rpc.api.Greeter;
import io.barrel.p2p.autoconfigure.rpc.api.Inventory;
import io.barrel.p2p.autoconfigure.rpc.api.Item;
import io.barrel.p2p.autoconfigure.rpc.api.OutOfStock;
import io.barrel.p2p.autoconfigure.rpc.api.Reservation;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.CallPolicy;
import io.barrel.p2p.rpc.InstanceFilter;
import io.barrel.p2p.rpc.LoadBalancer;
import io.barrel.p2p.rpc.NoInstanceAvailableException;
import io.barrel.p2p.rpc.OutlierPolicy;
import io.barrel.p2p.rpc.Publication;
import io.barrel.p2p.rpc.ServiceLocator;
import io.barrel.p2p.spring.ImportP2pServices;
import io.barrel.p2p.spring.P2pService;
import io.barrel.p2p.spring.P2pServiceClients;
import io.barrel.p2p.spring.P2pServicesRegistrar;
import java.io.Serializable;
import java.nio.file.Path;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

class P2pRpcAutoConfigurationTest {

  @TempDir
  Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class, P2pRpcAutoConfiguration.class))
        .withPropertyValues("barrel.p2p.node-name=a@127.0.0.1", "barrel.p2p.data-directory=" + dir,
            "barrel.p2p.transport.bind-host=127.0.0.1", "barrel.p2p.single-node=true");
  }

  // ------------------------------------------------------------------ services of the tests

  /** A greeter published with metadata; its other interfaces are infrastructure. */
  @P2pService(version = "2.0", tags = {"eu", "${greeter.extra-tag:blue}"}, weight = 300)
  static class GreeterService implements Greeter, Serializable, BeanNameAware {
    private final String node;

    GreeterService(String node) {
      this.node = node;
    }

    @Override
    public String greet(String name) {
      return "hello " + name + " from " + node;
    }

    @Override
    public void setBeanName(String name) {}
  }

  /** An inventory with records, a declared exception and a future. */
  @P2pService
  static class InventoryService implements Inventory {
    @Override
    public Reservation reserve(Item item, int quantity) throws OutOfStock {
      if (quantity > 10) {
        throw new OutOfStock("only 10 " + item.name() + " left");
      }
      return new Reservation(item, quantity, "a@127.0.0.1");
    }

    @Override
    public CompletableFuture<List<Item>> items() {
      return CompletableFuture.completedFuture(List.of(new Item("1", "bolt")));
    }

    @Override
    public String hold(long millis) throws InterruptedException {
      Thread.sleep(millis);
      return "a@127.0.0.1";
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Services {
    @Bean
    GreeterService greeter() {
      return new GreeterService("a");
    }

    @Bean
    InventoryService inventory() {
      return new InventoryService();
    }
  }

  // ------------------------------------------------------------------ publishing

  @Test
  void theRpcBeansAreThereByDefault() {
    runner().run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(ServiceLocator.class).hasSingleBean(P2pServiceClients.class)
          .hasSingleBean(P2pServicePublisher.class).hasSingleBean(RpcCallDrain.class);
      assertThat(context.getBean(ServiceLocator.class)).isInstanceOf(NodeServiceLocator.class);
      assertThat(context.getBeanProvider(InFlightDrain.class).orderedStream().findFirst())
          .as("calls drain before any other in-flight work").containsInstanceOf(RpcCallDrain.class);
      assertThat(context.getBean(P2pServiceClients.class).groups()).isEmpty();
    });
  }

  @Test
  void aP2pServiceBeanIsPublishedUnderItsServiceInterfacesWithItsMetadata() {
    runner().withUserConfiguration(Services.class).withPropertyValues("greeter.extra-tag=green").run(context -> {
      assertThat(context).hasNotFailed();
      P2pNode node = context.getBean(P2pNode.class);
      assertThat(node.rpc().publications()).extracting(Publication::service)
          .containsExactlyInAnyOrder(Greeter.class.getName(), Inventory.class.getName());
      ServiceInstance greeter = node.registry().lookupLocal(Greeter.class.getName()).get(0);
      assertThat(greeter.metadata().version()).isEqualTo("2.0");
      assertThat(greeter.metadata().tags()).containsExactly("eu", "green");
      assertThat(greeter.metadata().weight()).isEqualTo(300);

      ServiceLocator locator = context.getBean(ServiceLocator.class);
      assertThat(locator.proxy(Greeter.class).greet("ann")).isEqualTo("hello ann from a");
      Inventory inventory = locator.proxy(Inventory.class);
      assertThat(inventory.reserve(new Item("1", "bolt"), 2)).isEqualTo(new Reservation(new Item("1", "bolt"), 2,
          "a@127.0.0.1"));
      assertThatThrownBy(() -> inventory.reserve(new Item("1", "bolt"), 11)).isInstanceOf(OutOfStock.class);
      assertThat(inventory.items().get()).containsExactly(new Item("1", "bolt"));
      assertThat(locator.instances(Inventory.class.getName())).hasSize(1);
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class NamedService {
    @Bean
    @P2pService(name = "${greeter.service-name}", version = "${greeter.version}")
    Greeter namedGreeter() {
      return name -> "hi " + name;
    }
  }

  @Test
  void aP2pServiceOnABeanMethodWithPlaceholdersNamesTheService() {
    runner().withUserConfiguration(NamedService.class)
        .withPropertyValues("greeter.service-name=greetings", "greeter.version=3.1").run(context -> {
          assertThat(context).hasNotFailed();
          P2pNode node = context.getBean(P2pNode.class);
          assertThat(node.registry().lookupLocal("greetings")).singleElement()
              .satisfies(i -> assertThat(i.metadata().version()).isEqualTo("3.1"));
          Greeter byName = context.getBean(ServiceLocator.class).proxy(Greeter.class,
              CallOptions.defaults().withService("greetings"));
          assertThat(byName.greet("bo")).isEqualTo("hi bo");
        });
  }

  /** Wraps the greeter as a transaction or security interceptor would, counting calls. */
  static class Advising implements BeanPostProcessor {
    final AtomicInteger advised = new AtomicInteger();
    private final boolean proxyTargetClass;

    Advising(boolean proxyTargetClass) {
      this.proxyTargetClass = proxyTargetClass;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
      if (!(bean instanceof GreeterService)) {
        return bean;
      }
      ProxyFactory factory = new ProxyFactory(bean);
      factory.setProxyTargetClass(proxyTargetClass);
      factory.addAdvice((MethodInterceptor) invocation -> {
        advised.incrementAndGet();
        return invocation.proceed();
      });
      return factory.getProxy();
    }
  }

  @Test
  void aProxiedBeanIsFoundByItsTargetClassAndPublishedAsTheProxySoItsAdviceApplies() {
    for (boolean cglib : new boolean[] {false, true}) {
      Advising advising = new Advising(cglib);
      runner().withUserConfiguration(Services.class).withBean(Advising.class, () -> advising).run(context -> {
        assertThat(context).hasNotFailed();
        Object bean = context.getBean("greeter");
        assertThat(AopUtils.isAopProxy(bean)).isTrue();
        assertThat(AopUtils.isCglibProxy(bean)).isEqualTo(cglib);
        assertThat(context.getBean(ServiceLocator.class).proxy(Greeter.class).greet("cy")).isEqualTo("hello cy from a");
        assertThat(advising.advised).as(cglib ? "class proxy" : "interface proxy").hasValue(1);
      });
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WrongInterface {
    @P2pService(interfaces = Inventory.class)
    static class NotAnInventory implements Greeter {
      @Override
      public String greet(String name) {
        return name;
      }
    }

    @Bean
    NotAnInventory notAnInventory() {
      return new NotAnInventory();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class GreeterWithHooks {
    /** A greeter that also drains at shutdown and binds meters: neither hook is a service. */
    @P2pService
    static class Hooked implements Greeter, InFlightDrain, MeterBinder {
      @Override
      public String greet(String name) {
        return name;
      }

      @Override
      public boolean awaitDrained(Duration timeout) {
        return true;
      }

      @Override
      public void bindTo(MeterRegistry registry) {}
    }

    @Bean
    Hooked hooked() {
      return new Hooked();
    }
  }

  @Test
  void barrelP2psOwnAndMicrometersInterfacesAreNeverPublished() {
    runner().withUserConfiguration(GreeterWithHooks.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(P2pNode.class).rpc().publications()).extracting(Publication::service)
          .as("InFlightDrain would let any peer hold a serving slot; MeterBinder is Micrometer's")
          .containsExactly(Greeter.class.getName());
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class NoInterface {
    @P2pService
    static class Plain implements Runnable, Serializable {
      @Override
      public void run() {}
    }

    @Bean
    Plain plain() {
      return new Plain();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class NameForTwo {
    @P2pService(name = "both")
    static class Both extends InventoryService implements Greeter {
      @Override
      public String greet(String name) {
        return name;
      }
    }

    @Bean
    Both both() {
      return new Both();
    }
  }

  /** An interface the RPC layer refuses: Java streams cannot travel. */
  public interface Streaming {
    Stream<String> lines();
  }

  @Configuration(proxyBeanMethods = false)
  static class NotRemote {
    @Bean
    @P2pService
    Streaming streaming() {
      return Stream::empty;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Prototype {
    @Bean
    @Scope("prototype")
    GreeterService greeter() {
      return new GreeterService("p");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class TwoOfOneService {
    @Bean
    GreeterService first() {
      return new GreeterService("1");
    }

    @Bean
    GreeterService second() {
      return new GreeterService("2");
    }
  }

  @Test
  void aP2pServiceThatCannotBePublishedStopsTheApplicationSayingWhatToChange() {
    assertStartupFailure(WrongInterface.class, "@P2pService bean 'notAnInventory'",
        "does not implement " + Inventory.class.getName());
    assertStartupFailure(NoInterface.class, "@P2pService bean 'plain'", "implements no service interface");
    assertStartupFailure(NameForTwo.class, "names the service 'both' but is published under 2 interfaces");
    assertStartupFailure(NotRemote.class, "@P2pService bean 'streaming' cannot be published as",
        "returns java.util.stream.Stream");
    assertStartupFailure(Prototype.class, "has scope 'prototype'", "make it a singleton");
    assertStartupFailure(TwoOfOneService.class, "would publish service '" + Greeter.class.getName() + "'");
  }

  private void assertStartupFailure(Class<?> configuration, String... messages) {
    NodeCapture capture = new NodeCapture();
    runner().withUserConfiguration(configuration).withBean(NodeCapture.class, () -> capture).run(context -> {
      assertThat(context).as(configuration.getSimpleName()).hasFailed();
      assertThat(messages(context)).as(configuration.getSimpleName())
          .anyMatch(m -> List.of(messages).stream().allMatch(m::contains));
    });
    assertThat(capture.node).as("the node was made").isNotNull();
    assertThatThrownBy(capture.node::registry).as("but never started (a stopped node would say 'stopped')")
        .hasMessageContaining("is not started");
  }

  /** Keeps the node of a context that fails to start, which no longer hands out its beans. */
  static class NodeCapture implements BeanPostProcessor {
    volatile P2pNode node;

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
      if (bean instanceof P2pNode made) {
        node = made;
      }
      return bean;
    }
  }

  // ------------------------------------------------------------------ clients

  @Configuration(proxyBeanMethods = false)
  @ImportP2pServices(group = "greeters", types = Greeter.class)
  @ImportP2pServices(types = Inventory.class)
  static class Clients {
    @Bean
    Shop shop(@Qualifier("greeters") Greeter greeter, Inventory inventory) {
      return new Shop(greeter, inventory);
    }
  }

  /** Takes its proxies by constructor. */
  record Shop(Greeter greeter, Inventory inventory) {}

  @Test
  void importedInterfacesAreInjectedByConstructorAndCallWithTheirGroupsSettings() {
    runner().withUserConfiguration(Services.class, Clients.class)
        .withPropertyValues("barrel.p2p.client.greeters.deadline=3s", "barrel.p2p.client.greeters.max-attempts=2",
            "barrel.p2p.client.greeters.initial-backoff=5ms", "barrel.p2p.client.greeters.max-backoff=50ms",
            "barrel.p2p.client.greeters.jitter=0", "barrel.p2p.client.greeters.balancer=round-robin",
            "barrel.p2p.client.greeters.version=2.*", "barrel.p2p.client.greeters.tags=eu",
            "barrel.p2p.client.greeters.max-concurrent-per-instance=7",
            "barrel.p2p.client.greeters.outliers.consecutive-failures=9",
            "barrel.p2p.client.greeters.outliers.base-ejection=1s",
            "barrel.p2p.client.greeters.headers.x-team=blue", "barrel.p2p.rpc.call-defaults.headers.x-tenant=acme")
        .run(context -> {
          assertThat(context).hasNotFailed();
          P2pServiceClients clients = context.getBean(P2pServiceClients.class);
          assertThat(clients.groups()).containsOnlyKeys("greeters", P2pServiceClients.DEFAULT_GROUP);
          CallOptions options = clients.options("greeters");
          assertThat(options.policy()).isEqualTo(new CallPolicy(Duration.ofSeconds(3), 2, Duration.ofMillis(5),
              Duration.ofMillis(50), 0.0));
          assertThat(options.balancer()).hasToString("round-robin");
          assertThat(options.filter()).isEqualTo(new InstanceFilter("2.*", Set.of("eu")));
          assertThat(options.maxConcurrentPerInstance()).isEqualTo(7);
          assertThat(options.outliers()).isEqualTo(OutlierPolicy.defaults().withConsecutiveFailures(9)
              .withEjection(Duration.ofSeconds(1), OutlierPolicy.defaults().maxEjection()));
          assertThat(options.headers()).containsExactly(Map.entry("x-tenant", "acme"), Map.entry("x-team", "blue"));
          assertThat(clients.options(P2pServiceClients.DEFAULT_GROUP))
              .isEqualTo(context.getBean(NodeConfig.class).rpc().callDefaults());

          Shop shop = context.getBean(Shop.class);
          assertThat(shop.greeter()).isSameAs(context.getBean(P2pServicesRegistrar.beanName("greeters", Greeter.class)))
              .isSameAs(clients.client("greeters", Greeter.class));
          assertThat(shop.greeter().greet("di")).isEqualTo("hello di from a");
          assertThat(shop.inventory().reserve(new Item("2", "nut"), 1).quantity()).isEqualTo(1);
          assertThat(shop.greeter().toString()).contains(Greeter.class.getName()).contains("a@127.0.0.1");
          assertThat(shop.greeter()).isEqualTo(shop.greeter()).isNotEqualTo(shop.inventory());
        });
  }

  @Test
  void aGroupFilterNoInstanceMatchesFailsTheCallSayingSo() {
    runner().withUserConfiguration(Services.class, Clients.class)
        .withPropertyValues("barrel.p2p.client.greeters.version=3.*").run(context -> {
          assertThat(context).hasNotFailed();
          Greeter greeter = context.getBean(Shop.class).greeter();
          assertThatThrownBy(() -> greeter.greet("x")).isInstanceOf(NoInstanceAvailableException.class)
              .hasMessageContaining("version '3.*'");
        });
  }

  @Test
  void unsetGroupSettingsComeFromTheCallDefaults() {
    runner().withUserConfiguration(Clients.class)
        .withPropertyValues("barrel.p2p.rpc.call-defaults.policy.deadline=4s",
            "barrel.p2p.rpc.call-defaults.balancer=random", "barrel.p2p.client.greeters.max-attempts=1")
        .run(context -> {
          CallOptions options = context.getBean(P2pServiceClients.class).options("greeters");
          assertThat(options.policy()).isEqualTo(CallPolicy.defaults().withDeadline(Duration.ofSeconds(4))
              .withMaxAttempts(1));
          assertThat(options.balancer()).isSameAs(context.getBean(NodeConfig.class).rpc().callDefaults().balancer());
          assertThat(options.balancer()).hasToString("random");
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class Balancers {
    @Bean
    LoadBalancer firstOne() {
      return (candidates, call) -> Optional.of(candidates.get(0));
    }
  }

  @Test
  void aBalancerPropertyMayNameALoadBalancerBean() {
    runner().withUserConfiguration(Clients.class, Balancers.class)
        .withPropertyValues("barrel.p2p.client.greeters.balancer=firstOne").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(P2pServiceClients.class).options("greeters").balancer())
              .isSameAs(context.getBean("firstOne"));
        });
  }

  @Configuration(proxyBeanMethods = false)
  @ImportP2pServices(group = "both", types = {Greeter.class, Inventory.class})
  static class TwoInOneGroup {}

  @Test
  void invalidGroupSettingsStopTheApplicationNamingTheProperty() {
    assertGroupFailure("barrel.p2p.client.greeters.max-attempts=0",
        "barrel.p2p.client.greeters.max-attempts: max attempts must be 1..10");
    assertGroupFailure("barrel.p2p.client.greeters.jitter=2", "barrel.p2p.client.greeters.jitter: jitter must be 0..1");
    assertGroupFailure("barrel.p2p.client.greeters.version=1*2", "barrel.p2p.client.greeters.version:");
    assertGroupFailure("barrel.p2p.client.greeters.outliers.max-ejected-percent=101",
        "barrel.p2p.client.greeters.outliers.max-ejected-percent: max ejected percent must be 0..100");
    assertGroupFailure("barrel.p2p.client.greeters.headers[bad key]=1", "barrel.p2p.client.greeters.headers:");
    // Headers no request could carry under the node's RPC limits (8 KiB values by default).
    String tooLong = "x".repeat(8 * 1024 + 1);
    assertGroupFailure("barrel.p2p.client.greeters.headers.trace=" + tooLong,
        "barrel.p2p.client.greeters.headers", "value of header 'trace' is 8193 bytes; the limit is 8192");
    assertGroupFailure("barrel.p2p.rpc.call-defaults.headers.trace=" + tooLong,
        "barrel.p2p.rpc.call-defaults.headers", "value of header 'trace' is 8193 bytes; the limit is 8192");
    assertGroupFailure("barrel.p2p.client.greeters.balancer=fastest", "unknown load balancer 'fastest'",
        "or the name of a LoadBalancer bean");
    runner().withUserConfiguration(TwoInOneGroup.class).withPropertyValues("barrel.p2p.client.both.service=x")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("barrel.p2p.client.both.service names one service (x), but group 'both' has 2"));
  }

  private void assertGroupFailure(String property, String... messages) {
    runner().withUserConfiguration(Clients.class).withPropertyValues(property).run(context -> {
      assertThat(context).as(property).hasFailed();
      assertThat(messages(context)).as(property).anyMatch(m -> List.of(messages).stream().allMatch(m::contains));
    });
  }

  private static List<String> messages(ConfigurableApplicationContext context) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (Throwable t = ((org.springframework.boot.test.context.assertj.AssertableApplicationContext) context)
        .getStartupFailure(); t != null; t = t.getCause()) {
      out.add(String.valueOf(t.getMessage()));
    }
    return out;
  }

  @Configuration(proxyBeanMethods = false)
  @ImportP2pServices(group = "streams", types = Streaming.class)
  static class UnusedBadClient {}

  @Test
  void anImportedInterfaceTheRpcLayerCannotCarryFailsStartupEvenIfNothingInjectsIt() {
    runner().withUserConfiguration(UnusedBadClient.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context)).anyMatch(m -> m.contains(Streaming.class.getName()));
    });
  }

  @Configuration(proxyBeanMethods = false)
  @ImportP2pServices(group = "api", basePackageClasses = Greeter.class)
  static class Scanned {}

  @Test
  void basePackagesImportEveryInterfaceFoundThere() {
    runner().withUserConfiguration(Scanned.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(P2pServiceClients.class).groups().get("api"))
          .containsExactlyInAnyOrder(Greeter.class, Inventory.class);
      assertThat(context.getBeansOfType(Greeter.class)).containsOnlyKeys("api#" + Greeter.class.getName());
    });
  }

  @Test
  void aProxyCalledBeforeTheNodeRunsSaysSo() {
    runner().withUserConfiguration(Clients.class)
        .withBean("idleLifecycle", P2pNodeLifecycle.class, () -> new P2pNodeLifecycle(
            new P2pNode(NodeConfig.builder("idle@127.0.0.1").dataDirectory(dir.resolve("idle")).build()),
            NodeConfig.builder("idle@127.0.0.1").build(), Duration.ZERO, List.of()))
        .run(context -> {
          assertThat(context).hasNotFailed();
          Greeter greeter = context.getBean(Shop.class).greeter();
          assertThat(greeter.toString()).contains(Greeter.class.getName());
          assertThatThrownBy(() -> greeter.greet("x")).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("is not started");
        });
  }

  @Test
  void theApplicationsOwnBeansWin() {
    ServiceLocator own = new NodeServiceLocator(new P2pNode(NodeConfig.builder("own@127.0.0.1").build()),
        CallOptions.defaults());
    runner().withBean("ownLocator", ServiceLocator.class, () -> own).withUserConfiguration(Clients.class)
        .run(context -> {
          assertThat(context).hasSingleBean(ServiceLocator.class);
          assertThat(context.getBean(Shop.class).greeter().toString()).contains("own@127.0.0.1");
        });
    P2pNode idle = new P2pNode(NodeConfig.builder("idle@127.0.0.1").dataDirectory(dir.resolve("idle")).build());
    runner().withBean("ownDrain", RpcCallDrain.class, () -> new RpcCallDrain(idle, Duration.ZERO))
        .run(context -> assertThat(context).hasSingleBean(RpcCallDrain.class).getBean("ownDrain")
            .isSameAs(context.getBean(RpcCallDrain.class)));
    runner().withUserConfiguration(Services.class, OwnPublisher.class)
        .run(context -> {
          assertThat(context).hasSingleBean(P2pServicePublisher.class).hasBean("ownPublisher");
          assertThat(context.getBean(P2pNode.class).rpc().publications()).as("published once, by the own publisher")
              .hasSize(2);
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnPublisher {
    @Bean
    P2pServicePublisher ownPublisher(P2pNode node) {
      return new P2pServicePublisher(node, Duration.ofSeconds(1));
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
      seen = "running=" + node.isRunning() + " publications=" + node.rpc().publications().size() + " registered="
          + node.registry().lookupLocal(Greeter.class.getName()).size();
      return true;
    }
  }

  @Test
  void closingTheContextUnpublishesTheServicesBeforeTheNodeStops() {
    DrainProbe[] probe = new DrainProbe[1];
    runner().withUserConfiguration(Services.class).withBean(DrainProbe.class)
        .run(context -> {
          assertThat(context.getBean(P2pNode.class).rpc().publications()).hasSize(2);
          probe[0] = context.getBean(DrainProbe.class);
        });
    assertThat(probe[0].seen).isEqualTo("running=true publications=0 registered=0");
  }
}
