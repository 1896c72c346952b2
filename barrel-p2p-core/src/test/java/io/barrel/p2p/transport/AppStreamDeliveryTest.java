package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.testing.TestNodes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a stream's listener runs and how writes are batched, over real QUIC on 127.0.0.1: writes
 * from several threads keep each thread's order, {@code writeAndFinish} delivers the bytes then the
 * end, and listeners run on the executor they were given, or on the event loop; inline listeners
 * read lent buffers in place and in order, pausing reading pushes back on the writer until resumed,
 * and {@code whenWritable} follows QUIC's capacity.
 */
class AppStreamDeliveryTest {

  @TempDir Path dir;
  TestNodes nodes;

  @BeforeEach
  void setUp() {
    nodes = new TestNodes(dir);
  }

  @AfterEach
  void tearDown() {
    nodes.close();
  }

  /** Collects what arrives and completes when the peer finishes its side. */
  private static final class Collector implements StreamListener {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<byte[]> ended = new CompletableFuture<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void onData(AppStream s, byte[] data) {
      threads.add(Thread.currentThread().getName());
      bytes.writeBytes(data);
    }

    @Override
    public synchronized void onEnd(AppStream s) {
      threads.add(Thread.currentThread().getName());
      ended.complete(bytes.toByteArray());
    }
  }

  @Test
  void writesFromSeveralThreadsArriveWholeAndInEachThreadsOrder() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    Collector received = new Collector();
    b.registerAcceptor("sink", s -> s.listen(received));
    AppStream stream = a.openStream(b.name(), "sink").get(10, TimeUnit.SECONDS);

    int writers = 4;
    int perWriter = 500;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < perWriter; i++) {
            stream.write(ByteBuffer.allocate(8).putInt(writer).putInt(i).flip());
          }
        }, pool));
      }
      CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdown();
    }
    stream.finish();

    ByteBuffer all = ByteBuffer.wrap(received.ended.get(15, TimeUnit.SECONDS));
    assertThat(all.remaining()).isEqualTo(writers * perWriter * 8);
    int[] next = new int[writers];
    while (all.hasRemaining()) {
      int writer = all.getInt();
      int seq = all.getInt();
      assertThat(seq).as("message %d of writer %d", next[writer], writer).isEqualTo(next[writer]);
      next[writer]++;
    }
    assertThat(next).containsOnly(perWriter);
  }

  @Test
  void writeAndFinishDeliversTheBytesThenTheEnd() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    Collector received = new Collector();
    b.registerAcceptor("sink", s -> s.listen(received));
    AppStream stream = a.openStream(b.name(), "sink").get(10, TimeUnit.SECONDS);

    stream.write(new byte[] {1, 2});
    stream.writeAndFinish(new byte[] {3, 4, 5}).get(10, TimeUnit.SECONDS);

    assertThat(received.ended.get(15, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void listenersRunOnTheExecutorTheyWereGivenOrOnTheEventLoop() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    Collector onLoop = new Collector();
    b.registerAcceptor("loop", s -> s.listenOnEventLoop(new StreamListener() {
      @Override
      public void onData(AppStream st, byte[] data) {
        onLoop.onData(st, data);
        st.write(data); // a write from the event loop itself goes out at once
      }

      @Override
      public void onEnd(AppStream st) {
        onLoop.onEnd(st);
        st.finish();
      }
    }));
    ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-listener-thread"));
    try {
      Collector echoed = new Collector();
      AppStream stream = a.openStream(b.name(), "loop").get(10, TimeUnit.SECONDS);
      stream.listen(echoed, mine);
      stream.write(new byte[] {7, 8, 9});
      stream.finish();

      assertThat(echoed.ended.get(15, TimeUnit.SECONDS)).containsExactly(7, 8, 9);
      assertThat(echoed.threads).isNotEmpty().containsOnly("my-listener-thread");
      assertThat(onLoop.threads).isNotEmpty().allMatch(t -> t.startsWith("barrel-p2p-quic"));
    } finally {
      mine.shutdown();
    }
  }

  /** Collects what an inline listener is lent, copying it, and where and how it was lent. */
  private static final class InlineCollector implements InlineStreamListener {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<byte[]> ended = new CompletableFuture<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile boolean allReadOnly = true;
    volatile int direct;

    @Override
    public synchronized void onData(AppStream s, ByteBuffer data) {
      threads.add(Thread.currentThread().getName());
      allReadOnly &= data.isReadOnly();
      if (data.isDirect()) {
        direct++;
      }
      byte[] copy = new byte[data.remaining()];
      data.get(copy);
      bytes.writeBytes(copy);
    }

    @Override
    public synchronized void onEnd(AppStream s) {
      threads.add(Thread.currentThread().getName());
      ended.complete(bytes.toByteArray());
    }
  }

  private static byte[] pattern(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + (i >>> 8));
    }
    return b;
  }

  @Test
  void anInlineListenerReadsLentBuffersInOrderOnTheEventLoop() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    InlineCollector received = new InlineCollector();
    b.registerAcceptor("inline", s -> s.listenInline(received));
    AppStream stream = a.openStream(b.name(), "inline").get(10, TimeUnit.SECONDS);

    byte[] payload = pattern(3 * 1024 * 1024 + 17);
    for (int off = 0; off < payload.length; off += 40_000) {
      stream.write(ByteBuffer.wrap(payload, off, Math.min(40_000, payload.length - off)));
    }
    stream.finish();

    assertThat(received.ended.get(15, TimeUnit.SECONDS)).isEqualTo(payload);
    assertThat(received.threads).isNotEmpty().allMatch(t -> t.startsWith("barrel-p2p-quic"));
    assertThat(received.allReadOnly).as("lent buffers are read-only").isTrue();
    assertThat(received.direct).as("bytes read in place from the transport's buffers").isPositive();
  }

  @Test
  void bytesThatArrivedBeforeAnInlineListenerComeFirstAndInOrder() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    CompletableFuture<AppStream> accepted = new CompletableFuture<>();
    b.registerAcceptor("late", accepted::complete);
    AppStream stream = a.openStream(b.name(), "late").get(10, TimeUnit.SECONDS);
    byte[] payload = pattern(200_000);

    stream.write(ByteBuffer.wrap(payload, 0, 50_000));
    AppStream inbound = accepted.get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> inbound.queuedBytes() == 50_000);
    InlineCollector received = new InlineCollector();
    inbound.listenInline(received);
    stream.write(ByteBuffer.wrap(payload, 50_000, payload.length - 50_000));
    stream.finish();

    assertThat(received.ended.get(15, TimeUnit.SECONDS)).isEqualTo(payload);
    assertThat(received.threads).allMatch(t -> t.startsWith("barrel-p2p-quic"));
    assertThat(inbound.queuedBytes()).isZero();
  }

  @Test
  void pausedReadingHoldsTheWriterBackUntilResumed() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    AtomicLong received = new AtomicLong();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    CompletableFuture<AppStream> inbound = new CompletableFuture<>();
    b.registerAcceptor("slow", s -> {
      s.pauseReading();
      s.listenInline(new InlineStreamListener() {
        @Override
        public void onData(AppStream st, ByteBuffer data) {
          received.addAndGet(data.remaining());
        }

        @Override
        public void onEnd(AppStream st) {
          ended.complete(null);
        }
      });
      inbound.complete(s);
    });
    AppStream stream = a.openStream(b.name(), "slow").get(10, TimeUnit.SECONDS);
    long window = TransportConfig.defaults().initialMaxStreamData();
    byte[] chunk = pattern(64 * 1024);
    int chunks = (int) (3 * window / chunk.length);
    for (int i = 0; i < chunks; i++) {
      stream.write(chunk);
    }
    stream.finish();

    // The stream's flow-control window fills and stays full: QUIC has nowhere to put more.
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).during(Duration.ofMillis(500))
        .until(() -> !stream.isWritable());
    CompletableFuture<Void> writable = stream.whenWritable();
    assertThat(writable).isNotDone();
    assertThat(received.get()).as("nothing read while paused").isZero();

    inbound.get(10, TimeUnit.SECONDS).resumeReading();
    ended.get(15, TimeUnit.SECONDS);
    assertThat(received.get()).isEqualTo((long) chunks * chunk.length);
    writable.get(10, TimeUnit.SECONDS);
  }

  @Test
  void whenWritableIsDoneAtOnceOnAWritableStreamAndFailsOnAClosedOne() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    b.registerAcceptor("sink", s -> s.listenInline((st, data) -> {}));
    AppStream stream = a.openStream(b.name(), "sink").get(10, TimeUnit.SECONDS);

    assertThat(stream.isWritable()).isTrue();
    assertThat(stream.whenWritable()).isCompleted();

    stream.close().get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> afterClose = stream.whenWritable();
    await().atMost(Duration.ofSeconds(5)).until(afterClose::isDone);
    assertThat(afterClose).isCompletedExceptionally();
    assertThat(afterClose.handle((v, e) -> e).join()).isInstanceOf(TransportException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void anInlineListenerThatThrowsResetsTheStreamAndTheConnectionStays() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    AtomicLong calls = new AtomicLong();
    b.registerAcceptor("bad", s -> s.listenInline((st, data) -> {
      calls.incrementAndGet();
      throw new IllegalStateException("listener bug");
    }));
    AppStream stream = a.openStream(b.name(), "bad").get(10, TimeUnit.SECONDS);
    byte[] chunk = pattern(64 * 1024);
    for (int i = 0; i < 16; i++) {
      stream.write(chunk);
    }

    stream.closeFuture().get(10, TimeUnit.SECONDS);
    assertThat(calls.get()).as("nothing more goes to a listener that threw").isEqualTo(1);
    assertThat(a.connectedPeers()).contains(b.name());
  }
}
