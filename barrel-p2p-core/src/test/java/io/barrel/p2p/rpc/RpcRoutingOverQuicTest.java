package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceFilter;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which instance a call goes to, over real QUIC with several server nodes in one JVM: the spread of
 * each load balancer (measured per server), filters, the in-process short-circuit, retries after
 * a node dies mid-call, outlier ejection and re-admission, and draining on a graceful stop.
 */
class RpcRoutingOverQuicTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String SERVICE = Greeter.class.getName();

  @TempDir
  Path dir;

  private TestNodes cluster;
  private final Map<String, RecordingGreeter> greeters = new HashMap<>();
  private final Map<String, P2pNode> nodes = new HashMap<>();

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private P2pNode start(String name, UnaryOperator<NodeConfig.Builder> tweak) {
    if (cluster == null) {
      cluster = new TestNodes(dir);
    }
    P2pNode node = cluster.start(name + "@127.0.0.1", b -> tweak.apply(RpcCallsOverQuicTest.fast(b)
        .contactNodes("s1@127.0.0.1")));
    nodes.put(name, node);
    return node;
  }

  /** Servers s1..sN publishing a Greeter each (with {@code versions} if given), and a client "c" that sees them all. */
  private P2pNode servers(int n, String... versions) {
    for (int i = 1; i <= n; i++) {
      String name = "s" + i;
      P2pNode node = start(name, b -> b);
      RecordingGreeter greeter = new RecordingGreeter(name);
      greeters.put(name, greeter);
      ServiceMetadata metadata = versions.length >= i ? ServiceMetadata.EMPTY.withVersion(versions[i - 1])
          : ServiceMetadata.EMPTY;
      node.publish(Greeter.class, greeter, metadata);
    }
    P2pNode client = start("c", b -> b);
    await().atMost(DEADLINE).until(() -> client.services().instances(SERVICE).size() == n);
    return client;
  }

  private Map<String, Integer> servedBy(Greeter remote, int calls) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      counts.merge(remote.whoAmI().replace("@127.0.0.1", ""), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinSpreadsExactlyEvenly() {
    P2pNode client = servers(3);
    Greeter remote = client.services().proxy(Greeter.class, CallOptions.defaults().withBalancer(LoadBalancer.roundRobin()));
    servedBy(remote, 300);
    assertThat(greeters.get("s1").calls.get()).isEqualTo(100);
    assertThat(greeters.get("s2").calls.get()).isEqualTo(100);
    assertThat(greeters.get("s3").calls.get()).isEqualTo(100);
  }

  @Test
  void randomSpreadsWithinStatisticalBounds() {
    P2pNode client = servers(3);
    Greeter remote = client.services().proxy(Greeter.class,
        CallOptions.defaults().withBalancer(LoadBalancer.random(new Random(42))));
    servedBy(remote, 900);
    // Binomial(900, 1/3): mean 300, sd 14.1; 5 sd either side.
    for (String s : List.of("s1", "s2", "s3")) {
      assertThat(greeters.get(s).calls.get()).as(s).isBetween(230, 370);
    }
  }

  @Test
  void powerOfTwoChoicesSendsLessToASlowInstance() throws Exception {
    P2pNode client = servers(3);
    greeters.get("s1").extraDelayMillis = 60;
    Greeter remote = client.services().proxy(Greeter.class);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        all.add(callers.submit(() -> servedBy(remote, 40)));
      }
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
    int slow = greeters.get("s1").calls.get();
    int fast = Math.min(greeters.get("s2").calls.get(), greeters.get("s3").calls.get());
    assertThat(slow + greeters.get("s2").calls.get() + greeters.get("s3").calls.get()).isEqualTo(320);
    assertThat(slow).as("the slow instance has more calls outstanding, so it is picked less").isLessThan(fast / 2);
  }

  @Test
  void consistentHashKeepsAKeyOnOneInstanceAndSpreadsKeys() {
    P2pNode client = servers(3);
    Greeter remote = client.services().proxy(Greeter.class,
        CallOptions.defaults().withBalancer(LoadBalancer.consistentHash(0)));
    Map<String, Set<String>> nodesByKey = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int k = 0; k < 60; k++) {
        String answer = remote.greet("key" + k);
        nodesByKey.computeIfAbsent("key" + k, x -> new HashSet<>()).add(answer.substring(answer.lastIndexOf(' ') + 1));
      }
    }
    assertThat(nodesByKey.values()).allSatisfy(set -> assertThat(set).hasSize(1));
    Set<String> used = new HashSet<>();
    nodesByKey.values().forEach(used::addAll);
    assertThat(used).hasSize(3);
  }

  @Test
  void versionFilterAndLocalOnlyChooseTheRightInstances() {
    P2pNode client = servers(2, "1.4.0", "2.1.0");
    Greeter v2 = client.services().proxy(Greeter.class,
        CallOptions.defaults().withFilter(InstanceFilter.any().withVersion("2.*")));
    assertThat(servedBy(v2, 20)).containsOnlyKeys("s2");

    Greeter none = client.services().proxy(Greeter.class,
        CallOptions.defaults().withFilter(InstanceFilter.any().withVersion("3.*")));
    assertThatThrownBy(none::whoAmI).isInstanceOf(NoInstanceAvailableException.class);

    Greeter localOnly = client.services().proxy(Greeter.class, CallOptions.defaults().withBalancer(LoadBalancer.localOnly()));
    assertThatThrownBy(localOnly::whoAmI).isInstanceOf(NoInstanceAvailableException.class);
    RecordingGreeter mine = new RecordingGreeter("c");
    client.publish(Greeter.class, mine);
    assertThat(servedBy(localOnly, 10)).containsOnlyKeys("c");
  }

  @Test
  void aLocalInstanceIsCalledInProcessWithoutTheNetwork() {
    RecordingMetrics metrics = new RecordingMetrics();
    P2pNode alone = start("s1", b -> b.metrics(metrics));
    RecordingGreeter local = new RecordingGreeter("s1");
    alone.publish(Greeter.class, local);
    Greeter proxy = alone.services().proxy(Greeter.class);

    List<Greeter.Greeting> input = new ArrayList<>(List.of(new Greeter.Greeting("x", 1, new byte[] {7})));
    assertThat(proxy.echo(input)).as("passed by reference: no codec, no stream").isSameAs(input);
    assertThatThrownBy(() -> proxy.failUndeclared("local")).isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("local");
    assertThat(metrics.total(MeterName.RPC_SERVER_CALLS)).isZero();
    assertThat(metrics.total(MeterName.STREAMS_OPENED)).isZero();
    assertThat(local.calls.get()).isEqualTo(2);
  }

  @Test
  void aProxyWhoseHeadersNoRequestCouldCarryIsRefusedWhenMade() {
    P2pNode node = servers(1);
    assertThatThrownBy(() -> node.services().proxy(Greeter.class,
        CallOptions.defaults().withHeader("trace", "x".repeat(8 * 1024 + 1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header 'trace' is 8193 bytes")
        .hasMessageContaining("RpcLimits.maxHeaderValueBytes");
    CallOptions many = CallOptions.defaults();
    for (int i = 0; i < 65; i++) {
      many = many.withHeader("h" + i, "v");
    }
    CallOptions tooMany = many;
    assertThatThrownBy(() -> node.services().proxy(Greeter.class, tooMany))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65 headers");
    // At the limits, a proxy is made and its calls go out over the network to the other node.
    Greeter atLimit = node.services().proxy(Greeter.class,
        CallOptions.defaults().withHeader("trace", "x".repeat(8 * 1024)));
    assertThat(atLimit.whoAmI()).isEqualTo("s1");
  }

  /** A service whose answers come when the test says. */
  public interface Pending {
    CompletableFuture<String> answer();
  }

  @Test
  void aLocalInstanceThatNeverAnswersIsHeldToTheDeadlineAndItsFutureCancelled() {
    P2pNode alone = start("s1", b -> b);
    List<CompletableFuture<String>> given = new CopyOnWriteArrayList<>();
    alone.publish(Pending.class, (Pending) () -> {
      CompletableFuture<String> f = new CompletableFuture<>();
      given.add(f);
      return f;
    });
    Pending proxy = alone.services().proxy(Pending.class, CallOptions.defaults()
        .withMethodPolicy("answer", CallPolicy.defaults().withDeadline(Duration.ofMillis(200))));

    CompletableFuture<String> call = proxy.answer();
    assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("own instance did not answer");
    assertThat(given).hasSize(1);
    await().atMost(DEADLINE).until(() -> given.get(0).isCancelled());

    CompletableFuture<String> cancelled = proxy.answer();
    cancelled.cancel(true);
    await().atMost(DEADLINE).until(() -> given.size() == 2 && given.get(1).isCancelled());

    CompletableFuture<String> answered = proxy.answer();
    given.get(2).complete("in time");
    assertThat(answered.join()).isEqualTo("in time");
  }

  @Test
  void aNodeKilledMidCallFailsTypedAndTheCallIsNotRetried() {
    P2pNode client = servers(2);
    Greeter remote = client.services().proxy(Greeter.class);
    CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> remote.whoAmISlowly(5_000));
    String victim = awaitStarted();
    nodes.get(victim).halt();
    assertThatThrownBy(() -> call.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionLostMidCallException.class);
    String survivor = victim.equals("s1") ? "s2" : "s1";
    assertThat(greeters.get(survivor).slowStarted.get()).as("a call that may have run is not retried").isZero();
  }

  @Test
  void anIdempotentCallMovesToAnotherInstanceWhenItsNodeDies() throws Exception {
    P2pNode client = servers(2);
    Greeter remote = client.services().proxy(Greeter.class);
    CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> remote.whoAmISlowlyIdempotent(2_000));
    String victim = awaitStarted();
    nodes.get(victim).halt();
    String survivor = victim.equals("s1") ? "s2" : "s1";
    assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo(survivor);
    assertThat(greeters.get(survivor).slowStarted.get()).isEqualTo(1);
  }

  @Test
  void aRetryWaitingOutItsBackoffEndsTheCallWhenTheClientStops() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    P2pNode client = twoServersAndAClient(metrics);
    // A pause far longer than the test, within a longer deadline: the retry is still waiting when
    // the client stops.
    Greeter remote = client.services().proxy(Greeter.class, CallOptions.defaults()
        .withMethodPolicy("whoAmISlowlyIdempotent", CallPolicy.defaults().withDeadline(Duration.ofMinutes(30))
            .withBackoff(Duration.ofMinutes(5), Duration.ofMinutes(5)).withJitter(0)));
    CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> remote.whoAmISlowlyIdempotent(5_000));
    String victim = awaitStarted();
    nodes.get(victim).halt();
    // The call lost its connection and waits out the pause before trying the survivor ...
    await().atMost(DEADLINE).until(() -> metrics.total(MeterName.RPC_RETRIES) == 1);
    assertThat(call).isNotDone();

    client.halt();

    // ... and ends with the failure that asked for the retry instead of waiting for ever.
    assertThatThrownBy(() -> call.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionLostMidCallException.class);
    String survivor = victim.equals("s1") ? "s2" : "s1";
    assertThat(greeters.get(survivor).slowStarted.get()).as("the retry never ran").isZero();
  }

  /** Servers s1 and s2 publishing a Greeter each, and a client "c" recording into {@code metrics} that sees both. */
  private P2pNode twoServersAndAClient(RecordingMetrics metrics) {
    for (int i = 1; i <= 2; i++) {
      String name = "s" + i;
      RecordingGreeter greeter = new RecordingGreeter(name);
      greeters.put(name, greeter);
      start(name, b -> b).publish(Greeter.class, greeter);
    }
    P2pNode client = start("c", b -> b.metrics(metrics));
    await().atMost(DEADLINE).until(() -> client.services().instances(SERVICE).size() == 2);
    return client;
  }

  /** The server whose slow method has started, with its counter reset. */
  private String awaitStarted() {
    String[] started = new String[1];
    await().atMost(DEADLINE).until(() -> {
      for (Map.Entry<String, RecordingGreeter> e : greeters.entrySet()) {
        if (e.getValue().slowStarted.get() > 0) {
          started[0] = e.getKey();
          return true;
        }
      }
      return false;
    });
    greeters.get(started[0]).slowStarted.set(0);
    return started[0];
  }

  @Test
  void aFailingInstanceIsEjectedThenReadmitted() {
    RecordingMetrics metrics = new RecordingMetrics();
    P2pNode client = twoServersAndAClient(metrics);
    greeters.get("s1").extraDelayMillis = 2_000;
    Greeter remote = client.services().proxy(Greeter.class, CallOptions.defaults()
        .withBalancer(LoadBalancer.roundRobin())
        .withOutliers(new OutlierPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(2), 50))
        .withMethodPolicy("whoAmI", CallPolicy.defaults().withDeadline(Duration.ofMillis(250))));

    int failures = 0;
    for (int i = 0; i < 8; i++) {
      try {
        remote.whoAmI();
      } catch (DeadlineExceededException e) {
        failures++;
      }
    }
    assertThat(failures).as("s1 failed until it was ejected").isEqualTo(2);
    assertThat(metrics.count(MeterName.RPC_EJECTIONS, SERVICE)).isEqualTo(1);
    assertThat(servedBy(remote, 10)).containsOnlyKeys("s2");

    greeters.get("s1").extraDelayMillis = 0;
    await().atMost(DEADLINE).until(() -> servedBy(remote, 4).containsKey("s1"));
  }

  @Test
  void aGracefulStopLetsCallsInFlightFinish() throws Exception {
    P2pNode client = servers(1);
    Greeter remote = client.services().proxy(Greeter.class);
    CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> remote.slow(1_500));
    await().atMost(DEADLINE).until(() -> greeters.get("s1").slowStarted.get() == 1);
    nodes.get("s1").stop();
    assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("slept 1500");
    await().atMost(DEADLINE).until(() -> client.services().instances(SERVICE).isEmpty());
    assertThatThrownBy(() -> remote.greet("gone")).isInstanceOf(NoInstanceAvailableException.class);
  }

  @Test
  void theLocatorFindsInstancesAndReportsEvents() throws Exception {
    P2pNode client = start("c", b -> b.contactNodes("s1@127.0.0.1"));
    List<ServiceEvent> events = new CopyOnWriteArrayList<>();
    try (AutoCloseable sub = client.services().subscribe(ServiceFilter.name(SERVICE), events::add)) {
      P2pNode s1 = start("s1", b -> b.contactNodes("c@127.0.0.1"));
      Publication published = s1.publish(Greeter.class, new RecordingGreeter("s1"));
      await().atMost(DEADLINE).until(() -> client.services().instances(SERVICE).size() == 1);
      assertThat(client.services().whereis(SERVICE).get(10, TimeUnit.SECONDS))
          .hasValueSatisfying(i -> assertThat(i.node()).isEqualTo(s1.name()));
      published.unpublish().get(10, TimeUnit.SECONDS);
      await().atMost(DEADLINE).until(() -> events.stream().anyMatch(e -> e instanceof ServiceEvent.Unregistered));
      assertThat(events.get(0)).isInstanceOf(ServiceEvent.Registered.class);
      assertThat(client.services().instances(SERVICE)).isEmpty();
    }
  }
}
