package io.barrel.p2p.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.discovery.Discovery;
import io.barrel.p2p.discovery.DiscoveryConfig;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.registry.LivenessConfig;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.CallPolicy;
import io.barrel.p2p.rpc.InstanceFilter;
import io.barrel.p2p.rpc.JacksonCborCodec;
import io.barrel.p2p.rpc.LoadBalancer;
import io.barrel.p2p.rpc.OutlierPolicy;
import io.barrel.p2p.rpc.RpcCodec;
import io.barrel.p2p.rpc.RpcConfig;
import io.barrel.p2p.rpc.RpcLimits;
import io.barrel.p2p.transport.auth.ExemptNodePattern;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

class P2pAutoConfigurationTest {

  @TempDir
  Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class))
        .withPropertyValues("barrel.p2p.node-name=a@127.0.0.1", "barrel.p2p.data-directory=" + dir,
            "barrel.p2p.transport.bind-host=127.0.0.1", "barrel.p2p.single-node=true");
  }

  @Test
  void unsetPropertiesTakeTheCoreDefaultsAndTheNodeRunsWithTheContext() {
    NodeConfig core = NodeConfig.builder("a@127.0.0.1").build();
    runner().run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(P2pNode.class).hasSingleBean(P2pNodeLifecycle.class)
          .hasSingleBean(P2pEventRepublisher.class);
      NodeConfig config = context.getBean(NodeConfig.class);
      assertThat(config.name()).isEqualTo(NodeName.of("a@127.0.0.1"));
      assertThat(config.transport()).isEqualTo(core.transport().withBind("127.0.0.1", 0));
      assertThat(config.auth()).isEqualTo(core.auth());
      assertThat(config.trustMode()).isEqualTo(core.trustMode());
      assertThat(config.membership()).isEqualTo(core.membership());
      assertThat(config.broadcast()).isEqualTo(core.broadcast());
      assertThat(config.registry()).isEqualTo(core.registry());
      assertThat(config.leaveTimeout()).isEqualTo(core.leaveTimeout());
      assertThat(config.metrics()).isSameAs(Metrics.noop());
      // The codec and balancer are objects: the same kind as the core's, with the core's settings.
      assertThat(config.rpc().withCodec(core.rpc().codec()).withCallDefaults(core.rpc().callDefaults()))
          .isEqualTo(core.rpc());
      assertThat(config.rpc().codec()).isInstanceOf(core.rpc().codec().getClass());
      CallOptions defaults = config.rpc().callDefaults();
      assertThat(defaults.withBalancer(core.rpc().callDefaults().balancer())).isEqualTo(core.rpc().callDefaults());
      assertThat(defaults.balancer()).hasSameClassAs(core.rpc().callDefaults().balancer());
      // As NodeConfig.Builder does: the file backend lives under the data directory.
      assertThat(config.discovery()).isEqualTo(core.discovery().withFileDirectory(dir.resolve("discovery")));
      P2pNode node = context.getBean(P2pNode.class);
      assertThat(node.isRunning()).isTrue();
      assertThat(node.listenAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(dir.resolve("keys")).isDirectory();
    });
  }

  @Test
  void theContextStopsTheNode() {
    ConfigurableApplicationContext[] kept = new ConfigurableApplicationContext[1];
    P2pNode[] node = new P2pNode[1];
    runner().run(context -> {
      node[0] = context.getBean(P2pNode.class);
      kept[0] = context;
      assertThat(node[0].isRunning()).isTrue();
    });
    assertThat(kept[0].isActive()).isFalse();
    assertThat(node[0].isRunning()).isFalse();
  }

  @Test
  void aPropertySetInOneLayerKeepsTheCoreDefaultsOfEveryOtherSetting() {
    runner().withPropertyValues("barrel.p2p.membership.active-size=7", "barrel.p2p.transport.idle-timeout=60s",
            "barrel.p2p.transport.keep-alive-interval=20s", "barrel.p2p.registry.liveness.heartbeat-interval=1s",
            "barrel.p2p.registry.liveness.lease-expiry=4s", "barrel.p2p.registry.crdt.max-entries=512",
            "barrel.p2p.auth.cluster-secret=0123456789abcdef-our-own", "barrel.p2p.auth.exempt-nodes=ops@*,*@10.0.0.9",
            "barrel.p2p.trust-mode=strict", "barrel.p2p.discovery.static-nodes[0]=b@h=127.0.0.1:9002",
            "barrel.p2p.broadcast.max-ihave-batch=128", "barrel.p2p.leave-timeout=5s")
        .run(context -> {
          assertThat(context).hasNotFailed();
          NodeConfig config = context.getBean(NodeConfig.class);
          NodeConfig core = NodeConfig.builder("a@127.0.0.1").build();
          assertThat(config.membership()).isEqualTo(MembershipConfig.builder().activeSize(7).build());
          assertThat(config.transport()).isEqualTo(core.transport().withBind("127.0.0.1", 0)
              .withIdleTimeout(Duration.ofSeconds(60), Duration.ofSeconds(20)));
          assertThat(config.registry().liveness())
              .isEqualTo(new LivenessConfig(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofHours(1)));
          assertThat(config.registry().crdt().maxEntries()).isEqualTo(512);
          assertThat(config.registry().crdt().maxTotalBytes()).isEqualTo(core.registry().crdt().maxTotalBytes());
          assertThat(config.registry().antiEntropyInterval()).isEqualTo(core.registry().antiEntropyInterval());
          assertThat(config.auth().clusterSecret()).isEqualTo("0123456789abcdef-our-own");
          assertThat(config.auth().exemptNodes())
              .containsExactly(ExemptNodePattern.parse("ops@*"), ExemptNodePattern.parse("*@10.0.0.9"));
          assertThat(config.auth().handshakeTimeout()).isEqualTo(core.auth().handshakeTimeout());
          assertThat(config.trustMode()).isEqualTo(TrustMode.STRICT);
          assertThat(config.discovery().staticNodes()).containsExactly("b@h=127.0.0.1:9002");
          assertThat(config.discovery().order()).isEqualTo(DiscoveryConfig.BUILT_IN_BACKENDS);
          assertThat(config.broadcast().maxIHaveBatch()).isEqualTo(128);
          assertThat(config.broadcast().graftTimeout()).isEqualTo(core.broadcast().graftTimeout());
          assertThat(config.leaveTimeout()).isEqualTo(Duration.ofSeconds(5));
        });
  }

  @Test
  void rpcPropertiesBindOntoTheCoresRpcConfig() {
    runner().withPropertyValues("barrel.p2p.rpc.max-concurrent-calls=64", "barrel.p2p.rpc.max-queued-calls=128",
            "barrel.p2p.rpc.max-in-flight-per-peer=32", "barrel.p2p.rpc.max-waiting-per-peer=0",
            "barrel.p2p.rpc.drain-timeout=3s", "barrel.p2p.rpc.limits.max-frame-bytes=1048576",
            "barrel.p2p.rpc.limits.max-headers=8", "barrel.p2p.rpc.call-defaults.balancer=consistent-hash:1",
            "barrel.p2p.rpc.call-defaults.filter.version=2.*", "barrel.p2p.rpc.call-defaults.filter.tags=eu,ssd",
            "barrel.p2p.rpc.call-defaults.policy.deadline=2s", "barrel.p2p.rpc.call-defaults.policy.max-attempts=1",
            "barrel.p2p.rpc.call-defaults.outliers.consecutive-failures=0",
            "barrel.p2p.rpc.call-defaults.max-concurrent-per-instance=16",
            "barrel.p2p.rpc.call-defaults.headers.x-tenant=acme")
        .run(context -> {
          assertThat(context).hasNotFailed();
          RpcConfig rpc = context.getBean(NodeConfig.class).rpc();
          RpcConfig core = RpcConfig.defaults();
          assertThat(rpc.maxConcurrentCalls()).isEqualTo(64);
          assertThat(rpc.maxQueuedCalls()).isEqualTo(128);
          assertThat(rpc.maxInFlightPerPeer()).isEqualTo(32);
          assertThat(rpc.maxWaitingPerPeer()).isZero();
          assertThat(rpc.drainTimeout()).isEqualTo(Duration.ofSeconds(3));
          assertThat(rpc.limits()).isEqualTo(core.limits().withMaxFrameBytes(1 << 20).withHeaders(8,
              core.limits().maxHeaderValueBytes()));
          CallOptions defaults = rpc.callDefaults();
          assertThat(defaults.balancer()).hasToString("consistent-hash:1");
          assertThat(defaults.filter()).isEqualTo(new InstanceFilter("2.*", Set.of("eu", "ssd")));
          assertThat(defaults.policy()).isEqualTo(CallPolicy.defaults().withDeadline(Duration.ofSeconds(2))
              .withMaxAttempts(1));
          assertThat(defaults.outliers()).isEqualTo(OutlierPolicy.defaults().withConsecutiveFailures(0));
          assertThat(defaults.maxConcurrentPerInstance()).isEqualTo(16);
          assertThat(defaults.headers()).containsExactly(Map.entry("x-tenant", "acme"));
          assertThat(defaults.service()).isNull();
          assertThat(defaults.methodPolicies()).isEmpty();
        });
  }

  @Test
  void anRpcCodecBeanReplacesTheCoresCodec() {
    RpcCodec codec = new JacksonCborCodec(RpcLimits.defaults());
    runner().withBean(RpcCodec.class, () -> codec)
        .run(context -> assertThat(context.getBean(NodeConfig.class).rpc().codec()).isSameAs(codec));
  }

  @Test
  void theDefaultBalancerMayNameALoadBalancerBean() {
    LoadBalancer first = (candidates, call) -> Optional.of(candidates.get(0));
    runner().withBean("first", LoadBalancer.class, () -> first)
        .withPropertyValues("barrel.p2p.rpc.call-defaults.balancer=first")
        .run(context -> assertThat(context.getBean(NodeConfig.class).rpc().callDefaults().balancer()).isSameAs(first));
  }

  @Test
  void theFileBackendFollowsTheDataDirectoryUnlessSetAndAnEmptyValueTurnsItOff() {
    runner().withPropertyValues("barrel.p2p.discovery.file-directory=" + dir.resolve("shared"))
        .run(context -> assertThat(context.getBean(NodeConfig.class).discovery().fileDirectory())
            .isEqualTo(dir.resolve("shared")));
    runner().withPropertyValues("barrel.p2p.discovery.file-directory=")
        .run(context -> assertThat(context.getBean(NodeConfig.class).discovery().fileDirectory()).isNull());
  }

  @Test
  void theCoreDefaultsAreTheLastPropertySource() {
    runner().run(context -> {
      var sources = context.getEnvironment().getPropertySources();
      assertThat(sources.contains(CoreDefaultProperties.SOURCE_NAME)).isTrue();
      assertThat(sources.stream().reduce((first, second) -> second).orElseThrow().getName())
          .isEqualTo(CoreDefaultProperties.SOURCE_NAME);
      assertThat(context.getEnvironment().getProperty("barrel.p2p.membership.active-size")).isEqualTo("5");
    });
  }

  @Test
  void aMissingNodeNameFailsStartupNamingTheProperty() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class))
        .withPropertyValues("barrel.p2p.data-directory=" + dir)
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("barrel.p2p.node-name is required").hasMessageContaining("name@host"));
  }

  @Test
  void invalidValuesFailStartupWithThePropertyAndWhatIsAllowed() {
    assertFailure("barrel.p2p.transport.port=70000", "barrel.p2p.transport.port must be 0..65535, got 70000");
    assertFailure("barrel.p2p.membership.active-size=0", "barrel.p2p.membership.active-size must be 1..64, got 0");
    assertFailure("barrel.p2p.registry.liveness.lease-expiry=3s",
        "barrel.p2p.registry.liveness.lease-expiry (PT3S) must be at least twice heartbeat-interval");
    assertFailure("barrel.p2p.registry.crdt.max-key-bytes=0", "barrel.p2p.registry.crdt.max-key-bytes must be 1..65535");
    assertFailure("barrel.p2p.broadcast.max-graft-attempts=100", "barrel.p2p.broadcast.max-graft-attempts must be 1..64");
    assertFailure("barrel.p2p.discovery.dns-attempts=11", "barrel.p2p.discovery.dns-attempts is 11; use 1 to 10");
    assertFailure("barrel.p2p.auth.cluster-secret=short", "barrel.p2p.auth.cluster-secret is 5 characters long");
    // Boot's binder keeps a placeholder it cannot resolve as text: unset, the variable the docs show
    // would make this text every such node's secret.
    assertFailure("barrel.p2p.auth.cluster-secret=${BARREL_P2P_SECRET_NOT_SET_IN_THIS_TEST}",
        "barrel.p2p.auth.cluster-secret is the placeholder ${BARREL_P2P_SECRET_NOT_SET_IN_THIS_TEST}");
    assertFailure("barrel.p2p.auth.exempt-nodes=ops", "invalid exempt node pattern 'ops'");
    assertFailure("barrel.p2p.node-name=no-at-sign", "invalid node name 'no-at-sign'");
    assertFailure("barrel.p2p.contact-nodes=b@127.0.0.1", "barrel.p2p.single-node=true but barrel.p2p.contact-nodes");
    assertFailure("barrel.p2p.leave-timeout=-1s", "barrel.p2p.leave-timeout must be zero or a positive duration");
    assertFailure("barrel.p2p.trust-mode=sometimes", "sometimes");
    assertFailure("barrel.p2p.rpc.max-concurrent-calls=0", "rpc.max-concurrent-calls must be 1..100000");
    assertFailure("barrel.p2p.rpc.drain-timeout=-1s", "rpc.drain-timeout must not be negative");
    assertFailure("barrel.p2p.rpc.limits.max-frame-bytes=10", "max frame bytes must be 1024..1073741824, got 10");
    assertFailure("barrel.p2p.rpc.call-defaults.policy.max-attempts=11", "max attempts must be 1..10");
    assertFailure("barrel.p2p.rpc.call-defaults.policy.jitter=1.5", "jitter must be 0..1, got 1.5");
    assertFailure("barrel.p2p.rpc.call-defaults.outliers.max-ejection=2d", "max ejection must be 1 ms..1 day");
    assertFailure("barrel.p2p.rpc.call-defaults.filter.version=1*2", "may only end in '*'");
    assertFailure("barrel.p2p.rpc.call-defaults.balancer=fastest", "unknown load balancer 'fastest'");
    assertFailure("barrel.p2p.rpc.call-defaults.max-concurrent-per-instance=-1",
        "maxConcurrentPerInstance must be 0 (no cap) or more");
  }

  private void assertFailure(String property, String message) {
    runner().withPropertyValues(property).run(context -> {
      assertThat(context).hasFailed();
      assertThat(causes(context.getStartupFailure())).as(property).anyMatch(m -> m.contains(message));
    });
  }

  private static List<String> causes(Throwable failure) {
    List<String> messages = new java.util.ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    return messages;
  }

  @Test
  void disabledStarterCreatesNothingAndAddsNoDefaults() {
    runner().withPropertyValues("barrel.p2p.enabled=false").run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(P2pNode.class).doesNotHaveBean(P2pProperties.class);
      assertThat(context.getEnvironment().getPropertySources().contains(CoreDefaultProperties.SOURCE_NAME)).isFalse();
    });
  }

  @Test
  void theStarterWorksWithoutActuatorHealthOrMicrometer() {
    runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
            "org.springframework.boot.health", "io.micrometer"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(P2pNode.class).isRunning()).isTrue();
          assertThat(context.getBean(NodeConfig.class).metrics()).isSameAs(Metrics.noop());
        });
  }

  @Test
  void everyBeanBacksOffForTheApplicationsOwn() {
    Path other = dir.resolve("other");
    NodeConfig own = NodeConfig.builder("own@127.0.0.1").dataDirectory(other).build();
    P2pNode ownNode = new P2pNode(own);
    runner().withBean(NodeConfig.class, () -> own)
        .run(context -> assertThat(context.getBean(P2pNode.class).name()).isEqualTo(NodeName.of("own@127.0.0.1")));
    runner().withBean("myNode", P2pNode.class, () -> ownNode)
        .run(context -> assertThat(context).getBean(P2pNode.class).isSameAs(ownNode));
    assertThat(ownNode.isRunning()).isFalse(); // the auto-configured lifecycle ran it and stopped it
    runner().withBean("myLifecycle", P2pNodeLifecycle.class,
            () -> new P2pNodeLifecycle(new P2pNode(own), own, Duration.ZERO, List.of()))
        .run(context -> {
          assertThat(context).hasSingleBean(P2pNodeLifecycle.class);
          assertThat(context.getBean(P2pNode.class).isRunning()).as("the auto-configured node, not started").isFalse();
        });
    runner().withBean("myRepublisher", P2pEventRepublisher.class,
            () -> new P2pEventRepublisher(new P2pNode(own), event -> { }))
        .run(context -> assertThat(context).hasSingleBean(P2pEventRepublisher.class).getBean("myRepublisher")
            .isSameAs(context.getBean(P2pEventRepublisher.class)));
    runner().withBean("myConverter", ExemptNodePatternConverter.class, ExemptNodePatternConverter::new)
        .run(context -> assertThat(context).hasSingleBean(ExemptNodePatternConverter.class));
  }

  @Test
  void metricsAndDiscoveryBeansReachTheNodeConfig() {
    Discovery custom = new Discovery() {
      @Override
      public String name() {
        return "inventory";
      }

      @Override
      public Optional<InetSocketAddress> lookup(NodeName node) {
        return Optional.empty();
      }

      @Override
      public Set<NodeName> list() {
        return Set.of();
      }
    };
    Metrics metrics = new Metrics() {
      @Override
      public void add(MeterName meter, long amount, String... tagValues) {}

      @Override
      public void record(MeterName meter, Duration duration, String... tagValues) {}

      @Override
      public void gauge(MeterName meter, Supplier<Number> value, String... tagValues) {}
    };
    runner().withBean(Discovery.class, () -> custom).withBean(Metrics.class, () -> metrics).run(context -> {
      NodeConfig config = context.getBean(NodeConfig.class);
      assertThat(config.customDiscovery()).containsExactly(custom);
      assertThat(config.metrics()).isSameAs(metrics);
    });
  }

  @Test
  void registryEventsAreRepublishedAsApplicationEvents() {
    runner().withUserConfiguration(EventRecorder.class).run(context -> {
      P2pNode node = context.getBean(P2pNode.class);
      node.registry().register("orders", ServiceMetadata.EMPTY).join();
      EventRecorder recorder = context.getBean(EventRecorder.class);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recorder.events)
          .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ServiceEvent.Registered.class,
              r -> assertThat(r.instance().service()).isEqualTo("orders"))));
    });
  }

  @Test
  void stoppingUnregistersTheServicesThenDrainsThenLeaves() {
    DrainProbe probe = new DrainProbe();
    runner().withPropertyValues("barrel.p2p.shutdown.drain-timeout=3s")
        .withBean("probe", InFlightDrain.class, () -> probe)
        .run(context -> {
          probe.node = context.getBean(P2pNode.class);
          probe.node.registry().register("orders", ServiceMetadata.EMPTY).join();
          assertThat(probe.node.registry().lookupLocal("orders")).hasSize(1);
        });
    assertThat(probe.calls).containsExactly("running=true local=0 timeout<=PT3S");
    assertThat(probe.node.isRunning()).isFalse();
  }

  /** Records what it saw when the lifecycle asked it to drain. */
  static final class DrainProbe implements InFlightDrain {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile P2pNode node;

    @Override
    public boolean awaitDrained(Duration timeout) {
      calls.add("running=" + node.isRunning() + " local=" + node.registry().lookupLocal("orders").size()
          + " timeout<=" + (timeout.compareTo(Duration.ofSeconds(3)) <= 0 ? "PT3S" : timeout));
      return true;
    }
  }

  /** Collects the barrel-p2p application events. */
  static class EventRecorder {
    final List<Object> events = new CopyOnWriteArrayList<>();

    @EventListener
    void on(ServiceEvent event) {
      events.add(event);
    }
  }
}
