package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.testing.TestNodes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a stream's listener runs and how writes are batched, over real QUIC on 127.0.0.1: writes
 * from several threads keep each thread's order, {@code writeAndFinish} delivers the bytes then the
 * end, and listeners run on the executor they were given, or on the event loop.
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
}
