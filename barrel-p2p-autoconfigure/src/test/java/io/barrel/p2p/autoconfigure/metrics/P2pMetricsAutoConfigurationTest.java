package io.barrel.p2p.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.autoconfigure.P2pAutoConfiguration;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.metrics.MicrometerMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class P2pMetricsAutoConfigurationTest {

  @TempDir
  Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
            P2pAutoConfiguration.class, P2pMetricsAutoConfiguration.class))
        .withPropertyValues("barrel.p2p.node-name=a@127.0.0.1", "barrel.p2p.data-directory=" + dir,
            "barrel.p2p.transport.bind-host=127.0.0.1", "barrel.p2p.single-node=true");
  }

  @Test
  void theNodeReportsToSpringsMeterRegistryTaggedWithItsName() {
    runner().run(context -> {
      assertThat(context).hasSingleBean(MicrometerMetrics.class);
      assertThat(context.getBean(NodeConfig.class).metrics()).isSameAs(context.getBean(Metrics.class));
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      // Gauges are registered when the node starts.
      assertThat(registry.find(MeterName.MEMBERSHIP_VIEW_SIZE.meterName()).tag("view", "active")
          .tag("node", "a@127.0.0.1").gauge()).isNotNull();
      assertThat(registry.find(MeterName.REGISTRY_INSTANCES.meterName()).gauge()).isNotNull();
      // RPC: calls in flight both ways (the call timers appear with the first call, see ThreeNodeClusterTest).
      assertThat(registry.find(MeterName.RPC_CLIENT_IN_FLIGHT.meterName()).tag("node", "a@127.0.0.1").gauge().value())
          .isZero();
      assertThat(registry.find(MeterName.RPC_SERVER_IN_FLIGHT.meterName()).tag("node", "a@127.0.0.1").gauge().value())
          .isZero();
      Set<String> catalogue = Arrays.stream(MeterName.values()).map(MeterName::meterName).collect(Collectors.toSet());
      assertThat(registry.getMeters()).map(Meter::getId).filteredOn(id -> id.getName().startsWith("barrel.p2p"))
          .isNotEmpty()
          .allSatisfy(id -> {
            assertThat(catalogue).contains(id.getName());
            assertThat(id.getTag("node")).isEqualTo("a@127.0.0.1");
          });
    });
  }

  @Test
  void anApplicationsOwnRegistryIsUsedToo() {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class, P2pMetricsAutoConfiguration.class))
        .withPropertyValues("barrel.p2p.node-name=a@127.0.0.1", "barrel.p2p.data-directory=" + dir,
            "barrel.p2p.transport.bind-host=127.0.0.1", "barrel.p2p.single-node=true")
        .withBean(MeterRegistry.class, () -> own)
        .run(context -> assertThat(own.find(MeterName.MEMBERSHIP_VIEW_SIZE.meterName()).gauges()).hasSize(2));
  }

  @Test
  void withoutMicrometerOrARegistryTheNodeRecordsNothing() {
    runner().withClassLoader(new FilteredClassLoader("io.micrometer")).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(Metrics.class);
      assertThat(context.getBean(NodeConfig.class).metrics()).isSameAs(Metrics.noop());
    });
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class, P2pMetricsAutoConfiguration.class))
        .withPropertyValues("barrel.p2p.node-name=a@127.0.0.1", "barrel.p2p.data-directory=" + dir,
            "barrel.p2p.single-node=true")
        .run(context -> {
          assertThat(context).doesNotHaveBean(Metrics.class);
          assertThat(context.getBean(NodeConfig.class).metrics()).isSameAs(Metrics.noop());
        });
  }

  @Test
  void anApplicationsOwnMetricsBeanWinsAndADisabledStarterBindsNothing() {
    runner().withBean("myMetrics", Metrics.class, Metrics::noop)
        .run(context -> assertThat(context).doesNotHaveBean(MicrometerMetrics.class));
    runner().withPropertyValues("barrel.p2p.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Metrics.class));
  }
}
