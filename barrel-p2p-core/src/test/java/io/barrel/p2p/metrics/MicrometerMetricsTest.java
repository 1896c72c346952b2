package io.barrel.p2p.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerMetrics metrics = new MicrometerMetrics(registry, "a@h");

  @Test
  void countersCarryTheCatalogueNameTheNodeAndTheirTags() {
    metrics.increment(MeterName.AUTH_ATTEMPTS, "server", "fail", "key_mismatch");
    metrics.increment(MeterName.AUTH_ATTEMPTS, "server", "fail", "key_mismatch");
    metrics.add(MeterName.AUTH_ATTEMPTS, 3, "client", "ok", "ok");

    assertThat(registry.get("barrel.p2p.auth.attempts").tags("node", "a@h", "role", "server", "outcome", "fail",
        "reason", "key_mismatch").counter().count()).isEqualTo(2);
    assertThat(registry.get("barrel.p2p.auth.attempts").tags("role", "client").counter().count()).isEqualTo(3);
  }

  @Test
  void timersAndGaugesAreRegistered() {
    metrics.record(MeterName.AUTH_DURATION, Duration.ofMillis(2), "client", "ok");
    int[] value = {7};
    metrics.gauge(MeterName.CONNECTIONS_ACTIVE, () -> value[0]);

    assertThat(registry.get("barrel.p2p.auth.duration").timer().count()).isEqualTo(1);
    assertThat(registry.get("barrel.p2p.transport.connections.active").gauge().value()).isEqualTo(7);
  }

  @Test
  void aWrongNumberOfTagValuesIsAProgrammingErrorNamingTheMeter() {
    assertThatThrownBy(() -> metrics.increment(MeterName.DIALS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("barrel.p2p.transport.dials");
  }

  @Test
  void everyCatalogueNameIsUniqueAndNamespaced() {
    var names = Arrays.stream(MeterName.values()).map(MeterName::meterName).toList();
    assertThat(new HashSet<>(names)).hasSize(names.size());
    assertThat(names).allMatch(n -> n.startsWith("barrel.p2p."));
  }
}
