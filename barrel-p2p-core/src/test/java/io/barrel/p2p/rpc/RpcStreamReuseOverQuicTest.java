package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unary calls reuse idle data streams over real QUIC: consecutive calls share one stream, a broken
 * call's stream is never reused, concurrent calls each get their own, and the server serves a
 * stream's calls one after another and refuses overlapping ones.
 */
class RpcStreamReuseOverQuicTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private TestNodes cluster;

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
    return cluster.start(name + "@127.0.0.1", b -> tweak.apply(RpcCallsOverQuicTest.fast(b)));
  }

  private P2pNode[] pair(RecordingGreeter greeter, RecordingMetrics serverMetrics, RecordingMetrics clientMetrics) {
    P2pNode server = start("server", b -> b.metrics(serverMetrics));
    server.publish(Greeter.class, greeter);
    P2pNode client = start("client", b -> b.metrics(clientMetrics));
    await().atMost(DEADLINE).until(() -> client.services().instances(Greeter.class.getName()).size() == 1);
    return new P2pNode[] {server, client};
  }

  private static long dataStreamsOpened(RecordingMetrics metrics) {
    return metrics.count(MeterName.STREAMS_OPENED, "data", "outbound");
  }

  @Test
  void consecutiveCallsShareOneStream() {
    RecordingMetrics serverMetrics = new RecordingMetrics();
    RecordingMetrics clientMetrics = new RecordingMetrics();
    P2pNode[] pair = pair(new RecordingGreeter("server"), serverMetrics, clientMetrics);
    Greeter remote = pair[1].services().proxy(Greeter.class);

    for (int i = 0; i < 50; i++) {
      assertThat(remote.greet("n" + i)).isEqualTo("hello n" + i + " from server");
    }
    // Failures the service threw end a call cleanly, too.
    assertThatThrownBy(() -> remote.fail("boom")).isInstanceOf(Greeter.GreeterException.class);
    assertThatThrownBy(() -> remote.failUndeclared("bang")).isInstanceOf(RemoteInvocationException.class);
    assertThat(remote.greet("last")).isEqualTo("hello last from server");

    assertThat(dataStreamsOpened(clientMetrics)).as("one stream for 53 sequential calls").isEqualTo(1);
    assertThat(pair[1].rpc().client().idleStreams(pair[0].name())).isEqualTo(1);
    // The server records a call once its answer is written: the last one may land after the caller woke.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        serverMetrics.count(MeterName.RPC_SERVER_CALLS, Greeter.class.getName(), "greet", "ok")).isEqualTo(51));
    assertThat(serverMetrics.total(MeterName.RPC_PROTOCOL_ERRORS)).isZero();
  }

  /**
   * The pooled stream a call has just taken closes before the call's request leaves (here: the
   * connection's close is queued on the client's event loop ahead of the call's write). The request
   * never reached the server, so the call, though not idempotent, goes on a new stream and runs once.
   */
  @Test
  void aCallWhosePooledStreamClosesBeforeItsRequestLeftGoesOnANewStreamAndRunsOnce() throws Exception {
    RecordingMetrics serverMetrics = new RecordingMetrics();
    P2pNode[] pair = pair(new RecordingGreeter("server"), serverMetrics, new RecordingMetrics());
    P2pNode server = pair[0];
    P2pNode client = pair[1];
    Greeter remote = client.services().proxy(Greeter.class, CallOptions.defaults()
        .withMethodPolicy("greet", CallPolicy.defaults().withMaxAttempts(1)));
    assertThat(remote.greet("a")).isEqualTo("hello a from server");
    assertThat(client.rpc().client().idleStreams(server.name())).isEqualTo(1);

    // Stall the client's event loop in an inline listener.
    server.registerAcceptor("echo", s -> s.listen((st, data) -> st.write(data)));
    AppStream echo = client.openStream(server.name(), "echo").get(10, TimeUnit.SECONDS);
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    echo.listenInline((st, data) -> {
      stalled.countDown();
      awaitQuietly(release);
    });
    echo.write(new byte[] {1});
    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    // Behind the stall: first the connection's close, then the write of a call on the pooled stream.
    client.transport().disconnect(server.name());
    CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> remote.greet("b"));
    await().atMost(DEADLINE).until(() -> client.rpc().client().idleStreams(server.name()) == 0);
    release.countDown();

    assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo("hello b from server");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        serverMetrics.count(MeterName.RPC_SERVER_CALLS, Greeter.class.getName(), "greet", "ok")).isEqualTo(2));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aCancelledCallsStreamIsResetAndNeverReused() throws Exception {
    RecordingMetrics clientMetrics = new RecordingMetrics();
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter, new RecordingMetrics(), clientMetrics);
    AsyncGreeter async = pair[1].services().proxy(AsyncGreeter.class,
        CallOptions.defaults().withService(Greeter.class.getName()));
    assertThat(async.greet("a").get(10, TimeUnit.SECONDS)).isEqualTo("hello a from server");
    CompletableFuture<String> call = async.slow(30_000); // takes the idle stream
    await().atMost(DEADLINE).until(() -> greeter.slowStarted.get() == 1);
    call.cancel(true);
    await().atMost(DEADLINE).until(() -> greeter.interrupted.get() == 1); // the reset reached the server
    assertThat(pair[1].rpc().client().idleStreams(pair[0].name())).isZero();
    // The next calls cannot meet an answer meant for the cancelled one: they run on a new stream.
    for (int i = 0; i < 5; i++) {
      assertThat(async.greet("b" + i).get(10, TimeUnit.SECONDS)).isEqualTo("hello b" + i + " from server");
    }
    assertThat(dataStreamsOpened(clientMetrics)).isEqualTo(2);
  }

  @Test
  void aCallTheServerTimedOutEndsCleanlyAndTheStreamServesTheNext() {
    RecordingMetrics clientMetrics = new RecordingMetrics();
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter, new RecordingMetrics(), clientMetrics);
    Greeter remote = pair[1].services().proxy(Greeter.class, CallOptions.defaults()
        .withMethodPolicy("slow", CallPolicy.defaults().withDeadline(Duration.ofMillis(200))));
    assertThat(remote.greet("a")).isEqualTo("hello a from server");
    assertThatThrownBy(() -> remote.slow(30_000)).isInstanceOf(DeadlineExceededException.class);
    await().atMost(DEADLINE).until(() -> greeter.interrupted.get() == 1);
    for (int i = 0; i < 5; i++) {
      assertThat(remote.greet("b" + i)).isEqualTo("hello b" + i + " from server");
    }
    // Whichever side gave up first (the server's failure frame ends the call cleanly; the caller's
    // own deadline resets the stream), at most one more stream was needed.
    assertThat(dataStreamsOpened(clientMetrics)).isBetween(1L, 2L);
  }

  @Test
  void concurrentCallsGetTheirOwnStreamsAndLeaveThemForLaterCalls() throws Exception {
    RecordingMetrics clientMetrics = new RecordingMetrics();
    P2pNode[] pair = pair(new RecordingGreeter("server"), new RecordingMetrics(), clientMetrics);
    Greeter remote = pair[1].services().proxy(Greeter.class);
    int parallel = 8;
    ExecutorService callers = Executors.newFixedThreadPool(parallel);
    try {
      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < parallel; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> remote.slow(500), callers));
      }
      for (CompletableFuture<String> c : calls) {
        assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo("slept 500");
      }
    } finally {
      callers.shutdownNow();
    }
    long opened = dataStreamsOpened(clientMetrics);
    assertThat(opened).as("each of the overlapping calls had a stream of its own").isEqualTo(parallel);
    await().atMost(DEADLINE).until(() -> pair[1].rpc().client().idleStreams(pair[0].name()) == parallel);
    for (int i = 0; i < 20; i++) {
      assertThat(remote.greet("again")).isEqualTo("hello again from server");
    }
    assertThat(dataStreamsOpened(clientMetrics)).as("later calls reuse them").isEqualTo(opened);
  }

  @Test
  void theServerAnswersAStreamsCallsInTurnAndRefusesAnOverlappingOne() throws Exception {
    RecordingMetrics serverMetrics = new RecordingMetrics();
    RecordingGreeter greeter = new RecordingGreeter("server");
    P2pNode[] pair = pair(greeter, serverMetrics, new RecordingMetrics());
    P2pNode server = pair[0];
    P2pNode client = pair[1];
    RpcFrameCodec codec = new RpcFrameCodec(RpcLimits.defaults());
    RpcMethod greet = RpcMethod.of(Greeter.class.getMethod("greet", String.class));
    RpcMethod slow = RpcMethod.of(Greeter.class.getMethod("slow", long.class));
    RpcCodec args = client.rpc().client().codec();

    AppStream raw = client.transport().openDataStream(server.name()).get(10, TimeUnit.SECONDS);
    RawReader reader = new RawReader(codec);
    raw.listen(reader);
    for (long id = 1; id <= 3; id++) {
      raw.write(codec.encode(new RpcFrame.Request(id, Greeter.class.getName(), greet.id(), greet.callMode(),
          5_000, Map.of(), args.encodeArguments(greet.method(), new Object[] {"r" + id}))));
      RpcFrame answer = reader.frames.poll(10, TimeUnit.SECONDS);
      assertThat(answer).isInstanceOf(RpcFrame.Response.class);
      assertThat(answer.callId()).isEqualTo(id);
      assertThat(args.decodeResult(greet.method(), ((RpcFrame.Response) answer).value()))
          .isEqualTo("hello r" + id + " from server");
    }
    assertThat(reader.ended).as("the server keeps the stream open between calls").isNotDone();

    // A second request while the first is still running breaks the protocol: the stream is reset.
    raw.write(codec.encode(new RpcFrame.Request(4, Greeter.class.getName(), slow.id(), slow.callMode(), 5_000,
        Map.of(), args.encodeArguments(slow.method(), new Object[] {5_000L}))));
    await().atMost(DEADLINE).until(() -> greeter.slowStarted.get() == 1);
    raw.write(codec.encode(new RpcFrame.Request(5, Greeter.class.getName(), greet.id(), greet.callMode(), 5_000,
        Map.of(), args.encodeArguments(greet.method(), new Object[] {"overlap"}))));
    assertThat(reader.ended.get(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(DEADLINE).until(() -> serverMetrics.count(MeterName.RPC_PROTOCOL_ERRORS, "overlapping_call") == 1);
    await().atMost(DEADLINE).until(() -> greeter.interrupted.get() == 1); // the running call was cancelled
    assertThat(client.services().proxy(Greeter.class).greet("after")).isEqualTo("hello after from server");
  }

  @Test
  void finishingAnIdleStreamMakesTheServerFinishItsSide() throws Exception {
    P2pNode[] pair = pair(new RecordingGreeter("server"), new RecordingMetrics(), new RecordingMetrics());
    RpcFrameCodec codec = new RpcFrameCodec(RpcLimits.defaults());
    RpcMethod greet = RpcMethod.of(Greeter.class.getMethod("greet", String.class));
    RpcCodec args = pair[1].rpc().client().codec();
    AppStream raw = pair[1].transport().openDataStream(pair[0].name()).get(10, TimeUnit.SECONDS);
    RawReader reader = new RawReader(codec);
    raw.listen(reader);
    raw.write(codec.encode(new RpcFrame.Request(1, Greeter.class.getName(), greet.id(), greet.callMode(), 5_000,
        Map.of(), args.encodeArguments(greet.method(), new Object[] {"x"}))));
    assertThat(reader.frames.poll(10, TimeUnit.SECONDS)).isInstanceOf(RpcFrame.Response.class);
    raw.finish();
    assertThat(reader.ended.get(10, TimeUnit.SECONDS)).isTrue();
    raw.closeFuture().get(10, TimeUnit.SECONDS);
  }

  /** Cuts a raw stream's bytes into frames; records its end. */
  private static final class RawReader implements StreamListener {
    final LinkedBlockingQueue<RpcFrame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Boolean> ended = new CompletableFuture<>();
    private final RpcFrameDecoder decoder;

    RawReader(RpcFrameCodec codec) {
      decoder = new RpcFrameDecoder(codec);
    }

    @Override
    public void onData(AppStream s, byte[] data) {
      try {
        decoder.feed(data, 0, data.length, frames::add);
      } catch (RpcDecodeException e) {
        ended.completeExceptionally(e);
      }
    }

    @Override
    public void onEnd(AppStream s) {
      ended.complete(true);
    }

    @Override
    public void onError(AppStream s, Throwable cause) {
      ended.complete(true);
    }
  }
}
