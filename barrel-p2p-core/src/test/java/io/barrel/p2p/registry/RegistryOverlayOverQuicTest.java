package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.crdt.CrdtConfig;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overlay fallback of {@code whereis} over real QUIC on 127.0.0.1: a node whose own copy cannot
 * hold an entry still finds the instance through its neighbours, and a search for a service nobody
 * has ends empty, counted on the asking node and on the nodes it asked.
 */
class RegistryOverlayOverQuicTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private TestNodes cluster;
  private final List<P2pNode> live = new ArrayList<>();

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private P2pNode start(String name, RecordingMetrics metrics, UnaryOperator<RegistryConfig> registry) {
    if (cluster == null) {
      cluster = new TestNodes(dir);
    }
    RegistryConfig base = RegistryConfig.defaults().withAntiEntropyInterval(Duration.ofSeconds(1));
    P2pNode node = cluster.start(name + "@127.0.0.1", b -> b
        .membership(MembershipConfig.builder().shufflePeriod(Duration.ofMillis(500))
            .contactRetry(Duration.ofMillis(250)).baseBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofSeconds(1)).build())
        .registry(registry.apply(base))
        .metrics(metrics)
        .contactNodes("n0@127.0.0.1"));
    live.add(node);
    return node;
  }

  @Test
  void aNodeThatCannotHoldAnEntryStillFindsItsInstanceThroughTheOverlay() {
    List<RecordingMetrics> metrics = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      metrics.add(new RecordingMetrics());
      start("n" + i, metrics.get(i), r -> r);
    }
    // The strict node takes values of at most 1 KiB: a rolling change of limits, say. Every delta and
    // chunk holding the large registration below is refused there whole.
    RecordingMetrics strictMetrics = new RecordingMetrics();
    P2pNode strict = start("strict", strictMetrics, r -> {
      CrdtConfig c = r.crdt();
      return r.withCrdt(c.withLimits(c.maxEntries(), c.maxKeyBytes(), 1024, c.maxTotalBytes(), c.maxContextRanges(),
          c.maxNodes()));
    });
    await().atMost(DEADLINE).until(() -> live.stream().allMatch(p -> !p.membership().activeView().isEmpty()));

    Map<String, String> attributes = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      attributes.put("blob" + i, "x".repeat(1000));
    }
    P2pNode owner = live.get(2);
    ServiceInstance reports = owner.registry().register("reports", ServiceMetadata.EMPTY.withAttributes(attributes))
        .join().instance();
    await().atMost(DEADLINE).until(() -> live.stream().filter(n -> n != strict)
        .allMatch(n -> n.registry().lookup("reports").size() == 1));
    await().atMost(DEADLINE).until(() -> strict.registry().stats().join().rejectedDeltas() > 0);
    assertThat(strict.registry().lookup("reports")).as("the strict node's own copy lacks it").isEmpty();

    Optional<ServiceInstance> found = strict.registry().whereis("reports", 0).join();

    assertThat(found).contains(reports);
    assertThat(strictMetrics.count(MeterName.REGISTRY_ROUTE_SEARCHES, "found")).isEqualTo(1);
    assertThat(metrics.stream().mapToLong(m -> m.count(MeterName.REGISTRY_ROUTE_REQUESTS, "found")).sum())
        .as("answered by the strict node's neighbours").isGreaterThanOrEqualTo(1);
    assertThat(strict.registry().lookup("reports")).as("nothing was merged into the copy").isEmpty();
  }

  @Test
  void aSearchForAServiceNobodyHasEndsEmptyAndIsCountedOnTheAskedNodes() {
    List<RecordingMetrics> metrics = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      metrics.add(new RecordingMetrics());
      start("n" + i, metrics.get(i), r -> r);
    }
    await().atMost(DEADLINE).until(() -> live.stream().allMatch(p -> !p.membership().activeView().isEmpty()));

    assertThat(live.get(0).registry().whereis("nobody.has.this", 0).join()).isEmpty();

    assertThat(metrics.get(0).count(MeterName.REGISTRY_ROUTE_SEARCHES, "not_found")).isEqualTo(1);
    long answered = metrics.subList(1, 5).stream()
        .mapToLong(m -> m.count(MeterName.REGISTRY_ROUTE_REQUESTS, "not_found")).sum();
    assertThat(answered).as("every node asked answers, each once at most").isBetween(1L, 4L);
    assertThat(metrics.get(0).count(MeterName.REGISTRY_MESSAGES, "route_request", "out")).isGreaterThanOrEqualTo(1);
  }
  @Test
  void aWhereisWaitingBetweenItsAttemptsEndsEmptyWhenTheNodeStops() {
    List<RecordingMetrics> metrics = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      metrics.add(new RecordingMetrics());
      // The most attempts, a second or two apart: the search keeps waiting for about 40 s.
      start("n" + i, metrics.get(i), r -> r.withWhereis(20, Duration.ofSeconds(1)));
    }
    await().atMost(DEADLINE).until(() -> live.stream().allMatch(p -> !p.membership().activeView().isEmpty()));
    P2pNode asking = live.get(0);
    CompletableFuture<Optional<ServiceInstance>> search = asking.registry().whereis("nobody.has.this");
    await().atMost(DEADLINE).until(() -> metrics.get(0).count(MeterName.REGISTRY_ROUTE_SEARCHES, "not_found") >= 1);
    assertThat(search).as("between two attempts").isNotDone();

    asking.halt();

    // The node's protocol loop dropped the next attempt's timer: stopping answers the search.
    assertThat(search).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(Optional.empty());
  }
}
