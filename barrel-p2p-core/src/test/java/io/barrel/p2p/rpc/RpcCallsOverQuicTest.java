package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.registry.RegistryConfig;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls over real QUIC on 127.0.0.1, two nodes in one JVM: every call shape, the codec end to end,
 * cancellation and deadlines reaching the server, error mapping, overload, size limits, and
 * malformed input on a data stream.
 */
class RpcCallsOverQuicTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private TestNodes cluster;
  private final List<P2pNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static NodeConfig.Builder fast(NodeConfig.Builder b) {
    return b.membership(MembershipConfig.builder().shufflePeriod(Duration.ofMillis(500))
            .contactRetry(Duration.ofMillis(250)).baseBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofSeconds(1)).build())
        .registry(RegistryConfig.defaults().withAntiEntropyInterval(Duration.ofSeconds(1)))
        .contactNodes("server@127.0.0.1");
  }

  private P2pNode start(String name, UnaryOperator<NodeConfig.Builder> tweak) {
    if (cluster == null) {
      cluster = new TestNodes(dir);
    }
    P2pNode node = cluster.start(name + "@127.0.0.1", b -> tweak.apply(fast(b)));
    nodes.add(node);
    return node;
  }

  /** A server publishing {@code greeter} and a client that sees it. */
  private P2pNode[] pair(RecordingGreeter greeter, UnaryOperator<NodeConfig.Builder> serverTweak,
      UnaryOperator<NodeConfig.Builder> clientTweak) {
    P2pNode server = start("server", serverTweak);
    server.publish(Greeter.class, greeter);
    P2pNode client = start("client", clientTweak);
    await().atMost(DEADLINE).until(() -> client.services().instances(Greeter.class.getName()).size() == 1);
    return new P2pNode[] {server, client};
  }

  private P2pNode[] pair(RecordingGreeter greeter) {
    return pair(greeter, b -> b, b -> b);
  }

  @Test
  void everyCallShapeWorksAcrossNodes() throws Exception {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode client = pair(greeter)[1];
    Greeter remote = client.services().proxy(Greeter.class);

    assertThat(remote.greet("ann")).isEqualTo("hello ann from server");
    assertThat(remote.greetLater("bob").get(10, TimeUnit.SECONDS)).isEqualTo("later bob");
    remote.touch("sync");
    assertThat(greeter.touched).containsEntry("sync", 1); // a void call waits for the method
    remote.fire("async");
    await().atMost(DEADLINE).until(() -> greeter.touched.containsKey("async"));

    List<Integer> items = collect(remote.count(50), 7);
    assertThat(items).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).boxed().toList());

    List<Greeter.Greeting> greetings = List.of(new Greeter.Greeting("x", 3, new byte[] {1, 2, 3}),
        new Greeter.Greeting("y", 0, new byte[0]));
    List<Greeter.Greeting> echoed = remote.echo(greetings);
    assertThat(echoed).hasSize(2);
    assertThat(echoed.get(0).to()).isEqualTo("x");
    assertThat(echoed.get(0).payload()).containsExactly(1, 2, 3);
    assertThat(remote.size(new byte[100_000])).isEqualTo(100_000);
    assertThat(remote.blob(2_000_000)).hasSize(2_000_000);
    assertThat(remote.toString()).contains(Greeter.class.getName());
    assertThat(remote).isEqualTo(remote).isNotEqualTo(client.services().proxy(Greeter.class));
  }

  @Test
  void theServiceSeesTheAuthenticatedCallerAndTheHeaders() {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter);
    Greeter traced = pair[1].services().proxy(Greeter.class, CallOptions.defaults().withHeader("x-trace", "t-42"));
    assertThat(traced.whoCalls()).isEqualTo("client@127.0.0.1|t-42|whoCalls");
    assertThat(pair[0].services().proxy(Greeter.class).whoCalls()).as("in-process: no remote call").isEqualTo("local");
  }

  @Test
  void manyConcurrentCallsDoNotBlockEachOther() throws Exception {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode client = pair(greeter)[1];
    Greeter remote = client.services().proxy(Greeter.class);

    // A slow call in flight does not hold up quick ones on the same connection.
    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> remote.slow(3_000));
    await().atMost(DEADLINE).until(() -> greeter.slowStarted.get() == 1);
    List<CompletableFuture<String>> quick = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      quick.add(remote.greetLater("n" + i));
    }
    for (int i = 0; i < quick.size(); i++) {
      assertThat(quick.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("later n" + i);
    }
    assertThat(slow).isNotDone();
    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slept 3000");
    await().atMost(DEADLINE).until(() -> client.rpc().callsInFlight() == 0);
  }

  @Test
  void cancellingAFutureInterruptsTheServerMethod() throws Exception {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter);
    Greeter remote = pair[1].services().proxy(Greeter.class);
    AsyncGreeter async = pair[1].services().proxy(AsyncGreeter.class,
        CallOptions.defaults().withService(Greeter.class.getName()));
    CompletableFuture<String> call = async.slow(30_000);
    await().atMost(DEADLINE).until(() -> greeter.slowStarted.get() == 1);
    call.cancel(true);
    await().atMost(DEADLINE).until(() -> greeter.interrupted.get() == 1);
    await().atMost(DEADLINE).until(() -> pair[0].rpc().callsBeingServed() == 0);
    assertThat(async.greet("still").get(10, TimeUnit.SECONDS)).isEqualTo("hello still from server");
    assertThat(remote.greet("too")).isEqualTo("hello too from server");
  }

  @Test
  void cancellingASubscriptionCancelsTheServerPublisher() {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter);
    Greeter remote = pair[1].services().proxy(Greeter.class);
    List<Integer> got = new CopyOnWriteArrayList<>();
    remote.count(1_000_000).subscribe(new Flow.Subscriber<>() {
      private Flow.Subscription s;

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        s = subscription;
        s.request(5);
      }

      @Override
      public void onNext(Integer item) {
        got.add(item);
        if (got.size() == 5) {
          s.cancel();
        }
      }

      @Override
      public void onError(Throwable throwable) {}

      @Override
      public void onComplete() {}
    });
    await().atMost(DEADLINE).until(greeter.streamCancelled::get);
    assertThat(got).containsExactly(0, 1, 2, 3, 4);
    assertThat(greeter.emitted.get()).as("the server emits only what was requested").isEqualTo(5);
  }

  @Test
  void aMissedDeadlineFailsTypedAndStopsTheServerMethod() {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter);
    Greeter remote = pair[1].services().proxy(Greeter.class, CallOptions.defaults()
        .withMethodPolicy("slow", CallPolicy.defaults().withDeadline(Duration.ofMillis(300))));
    long start = System.nanoTime();
    assertThatThrownBy(() -> remote.slow(30_000)).isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("missed its deadline");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    await().atMost(DEADLINE).until(() -> greeter.interrupted.get() == 1);
    assertThat(greeter.slowStarted.get()).as("a missed deadline is not retried").isEqualTo(1);
  }

  @Test
  void whatTheApplicationChainsOnAMissedDeadlineRunsOffTheTimerSoOtherDeadlinesStillFire() throws Exception {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter);
    AsyncGreeter async = pair[1].services().proxy(AsyncGreeter.class, CallOptions.defaults()
        .withService(Greeter.class.getName())
        .withMethodPolicy("slow", CallPolicy.defaults().withDeadline(Duration.ofMillis(300))));
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<String> chainedOn = new AtomicReference<>();
    CompletableFuture<String> first = async.slow(30_000);
    // Blocking user code in a continuation: before the fix it ran on the RPC timer, where no other
    // deadline could fire until it returned.
    first.whenComplete((v, e) -> {
      chainedOn.set(Thread.currentThread().getName());
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      await().atMost(DEADLINE).until(() -> chainedOn.get() != null);
      CompletableFuture<String> second = async.slow(30_000);
      assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(DeadlineExceededException.class);
      assertThat(chainedOn.get()).doesNotStartWith("barrel-p2p-rpc-timer").doesNotStartWith("barrel-p2p-quic");
    } finally {
      release.countDown();
    }
    assertThatThrownBy(first::join).hasCauseInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void aCallLostWithItsConnectionEndsOffTheEventLoop() throws Exception {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter);
    AsyncGreeter async = pair[1].services().proxy(AsyncGreeter.class,
        CallOptions.defaults().withService(Greeter.class.getName()));
    CompletableFuture<String> call = async.slow(30_000);
    AtomicReference<String> chainedOn = new AtomicReference<>();
    CompletableFuture<Void> chained = call.handle((v, e) -> {
      chainedOn.set(Thread.currentThread().getName());
      return null;
    });
    await().atMost(DEADLINE).until(() -> greeter.slowStarted.get() == 1);
    pair[0].halt(); // the connection dies with the server, noticed on the client's event loop
    chained.get(20, TimeUnit.SECONDS);
    assertThatThrownBy(call::join).hasCauseInstanceOf(RpcException.class);
    assertThat(chainedOn.get()).doesNotStartWith("barrel-p2p-quic").doesNotStartWith("barrel-p2p-rpc-timer");
  }

  @Test
  void exceptionsArriveAsTheDeclaredTypeOrAsRemoteInvocation() {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode client = pair(greeter)[1];
    Greeter remote = client.services().proxy(Greeter.class);

    assertThatThrownBy(() -> remote.fail("boom")).isInstanceOf(Greeter.GreeterException.class)
        .hasMessage("boom").hasCauseInstanceOf(RemoteInvocationException.class);
    assertThatThrownBy(() -> remote.failUndeclared("bang")).isInstanceOf(RemoteInvocationException.class)
        .hasMessageContaining("IllegalStateException").hasMessageContaining("bang")
        .satisfies(e -> assertThat(((RpcException) e).node()).contains(io.barrel.p2p.NodeName.of("server@127.0.0.1")));
    assertThat(greeter.calls.get()).as("application failures are not retried").isEqualTo(2);
  }

  @Test
  void aFullServerAnswersOverloaded() throws Exception {
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter, b -> b.rpc(RpcConfig.defaults().withServerCapacity(1, 0)), b -> b);
    Greeter remote = pair[1].services().proxy(Greeter.class);
    CompletableFuture<String> busy = CompletableFuture.supplyAsync(() -> remote.slow(2_000));
    await().atMost(DEADLINE).until(() -> greeter.slowStarted.get() == 1);
    assertThatThrownBy(() -> remote.greet("x")).isInstanceOf(RemoteOverloadedException.class);
    assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo("slept 2000");
    // The executor frees the slot just after the answer is written, so the next call may still race it.
    await().atMost(DEADLINE).ignoreException(RemoteOverloadedException.class)
        .until(() -> remote.greet("y").equals("hello y from server"));
  }

  @Test
  void oversizedMessagesFailClearlyOnBothSides() {
    RecordingGreeter greeter = new RecordingGreeter("server");
    RpcConfig small = RpcConfig.defaults().withLimits(RpcLimits.defaults().withMaxFrameBytes(64 * 1024));
    P2pNode[] pair = pair(greeter, b -> b.rpc(small), b -> b.rpc(small));
    Greeter remote = pair[1].services().proxy(Greeter.class);

    assertThatThrownBy(() -> remote.size(new byte[100_000])).isInstanceOf(PayloadTooLargeException.class)
        .satisfies(e -> assertThat(((PayloadTooLargeException) e).side()).isEqualTo(PayloadTooLargeException.Side.SENDING));
    assertThat(greeter.calls.get()).isZero();
    assertThatThrownBy(() -> remote.blob(100_000)).isInstanceOf(PayloadTooLargeException.class)
        .satisfies(e -> assertThat(((PayloadTooLargeException) e).side()).isEqualTo(PayloadTooLargeException.Side.REMOTE));
    assertThat(remote.size(new byte[1000])).isEqualTo(1000);
  }

  @Test
  void aMalformedDataStreamIsResetAndCountedAndTheNodeKeepsServing() throws Exception {
    RecordingGreeter greeter = new RecordingGreeter("server");
    RecordingMetrics serverMetrics = new RecordingMetrics();
    P2pNode[] pair = pair(greeter, b -> b.metrics(serverMetrics), b -> b);
    P2pNode server = pair[0];
    P2pNode client = pair[1];

    for (byte[] garbage : List.of(new byte[] {0, 0, 0, 5, 9, 1, 0, 0, 0}, // unknown version
        new byte[] {0x7f, 0, 0, 0, 1, 1}, // announces a frame far over the limit
        new RpcFrameCodec(RpcLimits.defaults()).encode(new RpcFrame.Cancel(1)))) { // no request first
      AppStream raw = client.transport().openDataStream(server.name()).get(10, TimeUnit.SECONDS);
      CompletableFuture<Boolean> ended = new CompletableFuture<>();
      raw.listen(new StreamListener() {
        @Override
        public void onData(AppStream s, byte[] data) {}

        @Override
        public void onEnd(AppStream s) {
          ended.complete(true);
        }

        @Override
        public void onError(AppStream s, Throwable cause) {
          ended.complete(true);
        }
      });
      raw.write(garbage);
      assertThat(ended.get(10, TimeUnit.SECONDS)).isTrue();
    }
    await().atMost(DEADLINE).until(() -> serverMetrics.total(MeterName.RPC_PROTOCOL_ERRORS) == 3);
    assertThat(greeter.calls.get()).isZero();
    assertThat(client.services().proxy(Greeter.class).greet("after")).isEqualTo("hello after from server");
    assertThat(client.connectedPeers()).contains(server.name());
  }

  @Test
  void callsAreTimedInMetricsOnBothSides() {
    RecordingGreeter greeter = new RecordingGreeter("server");
    RecordingMetrics serverMetrics = new RecordingMetrics();
    RecordingMetrics clientMetrics = new RecordingMetrics();
    P2pNode[] pair = pair(greeter, b -> b.metrics(serverMetrics), b -> b.metrics(clientMetrics));
    Greeter remote = pair[1].services().proxy(Greeter.class);
    remote.greet("a");
    assertThatThrownBy(() -> remote.failUndeclared("b")).isInstanceOf(RemoteInvocationException.class);
    await().atMost(DEADLINE).until(() -> serverMetrics.count(MeterName.RPC_SERVER_CALLS,
        Greeter.class.getName(), "greet", "ok") == 1);
    assertThat(clientMetrics.count(MeterName.RPC_CLIENT_CALLS, Greeter.class.getName(), "greet", "ok"))
        .isEqualTo(1);
    assertThat(clientMetrics.count(MeterName.RPC_CLIENT_CALLS, Greeter.class.getName(), "failUndeclared",
        "failed")).isEqualTo(1);
    assertThat(serverMetrics.count(MeterName.RPC_SERVER_CALLS, Greeter.class.getName(), "failUndeclared",
        "failed")).isEqualTo(1);
  }

  static List<Integer> collect(Flow.Publisher<Integer> publisher, int batch) throws Exception {
    List<Integer> items = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    publisher.subscribe(new Flow.Subscriber<>() {
      private Flow.Subscription s;
      private int inBatch;

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        s = subscription;
        s.request(batch);
      }

      @Override
      public void onNext(Integer item) {
        items.add(item);
        if (++inBatch == batch) {
          inBatch = 0;
          s.request(batch);
        }
      }

      @Override
      public void onError(Throwable throwable) {
        done.completeExceptionally(throwable);
      }

      @Override
      public void onComplete() {
        done.complete(null);
      }
    });
    try {
      done.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
    return items;
  }

}
