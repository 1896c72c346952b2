package io.barrel.p2p.bench;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.broadcast.PlumtreeStats;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.testing.RecordingMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 5: one broadcast at a time on N real QUIC nodes in one JVM, Plumtree against plain
 * flooding over the same HyParView overlay in the same run.
 *
 * <p>Plumtree: {@link P2pNode#broadcast}. Flooding: every node forwards a message it sees for the
 * first time to every active peer but the one it came from, on its own control channel, from one
 * single-threaded executor per node (as Plumtree runs on the node's protocol loop). Both deliver to
 * a listener that stamps the arrival; latency is from the send call to each arrival and to the last
 * arrival of a message. Payload bytes are what all nodes together sent as message payload, against
 * the (N-1) x size a perfect spanning tree would send. Plumtree keeps one tree per origin, and an
 * origin's first broadcast floods to build it, so the warm-up starts with one broadcast from every
 * node, then random ones; measured rounds alternate between the two protocols so host noise hits
 * both.
 *
 * <p>Arguments (key=value): {@code nodes=32 size=1024 warmup=50 messages=300 rounds=3}.
 */
public final class BroadcastBenchmark {

  private static final int FLOOD_CHANNEL = 100;
  private static final String TOPIC = "bench";

  private BroadcastBenchmark() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, "nodes", "size", "warmup", "messages", "rounds");
    int n = args.integer("nodes", 32);
    int size = args.integer("size", 1024);
    int warmup = args.integer("warmup", 50);
    int messages = args.integer("messages", 300);
    int rounds = args.integer("rounds", 3);
    Report.header("broadcast on " + n + " QUIC nodes, " + size + " B payload, Plumtree vs flooding", null);

    RecordingMetrics metrics = new RecordingMetrics();
    MembershipConfig membership = MembershipConfig.builder().shufflePeriod(Duration.ofSeconds(2))
        .contactRetry(Duration.ofMillis(500)).build();
    try (BarrelNodes barrel = new BarrelNodes()) {
      List<P2pNode> nodes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        nodes.add(barrel.start("n" + i, b -> b.metrics(metrics).membership(membership).contactNodes("n0@127.0.0.1")));
      }
      long t0 = System.nanoTime();
      BarrelNodes.await(() -> overlayReady(nodes), "the overlay to form");
      Report.line("overlay formed in", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9));
      Report.line("active view sizes", activeSizes(nodes));

      Deliveries plumtree = new Deliveries(n);
      for (P2pNode node : nodes) {
        node.subscribe(TOPIC, d -> plumtree.arrived(ByteBuffer.wrap(d.payload()).getLong()));
      }
      List<Flooding> flood = new ArrayList<>();
      Deliveries flooded = new Deliveries(n);
      for (P2pNode node : nodes) {
        flood.add(new Flooding(node, flooded));
      }

      SplittableRandom random = new SplittableRandom(42);
      for (P2pNode origin : nodes) {
        sendPlumtree(origin, size, plumtree);
      }
      for (int i = 0; i < warmup; i++) {
        sendPlumtree(nodes.get(random.nextInt(n)), size, plumtree);
        sendFlood(flood.get(random.nextInt(n)), size, flooded);
      }
      plumtree.reset();
      flooded.reset();

      long plumBytes = 0;
      long floodBytes = 0;
      long perfect = 0;
      Map<String, Long> typesBefore = messageTypes(metrics);
      for (int r = 0; r < rounds; r++) {
        long before = metrics.count(MeterName.BROADCAST_PAYLOAD_BYTES, "out");
        for (int i = 0; i < messages; i++) {
          sendPlumtree(nodes.get(random.nextInt(n)), size, plumtree);
        }
        plumBytes += metrics.count(MeterName.BROADCAST_PAYLOAD_BYTES, "out") - before;
        long floodBefore = Flooding.payloadBytes.get();
        for (int i = 0; i < messages; i++) {
          sendFlood(flood.get(random.nextInt(n)), size, flooded);
        }
        floodBytes += Flooding.payloadBytes.get() - floodBefore;
        perfect += (long) messages * (n - 1) * size;
      }
      Map<String, Long> typesAfter = messageTypes(metrics);

      Report.section("delivery latency, send call to arrival at each node");
      Report.line("plumtree", plumtree.each.summary("ms"));
      Report.line("flooding", flooded.each.summary("ms"));
      Report.section("latency until the last node has it");
      Report.line("plumtree", plumtree.last.summary("ms"));
      Report.line("flooding", flooded.last.summary("ms"));
      Report.ratio("plumtree / flooding p50 (all nodes)", plumtree.last.percentile(50), flooded.last.percentile(50));
      Report.ratio("plumtree / flooding p99 (all nodes)", plumtree.last.percentile(99), flooded.last.percentile(99));
      Report.section("payload bytes sent per broadcast / ((N-1) x size), target <= 1.1");
      Report.line("plumtree", String.format(Locale.ROOT, "%.3f", plumBytes / (double) perfect));
      Report.line("flooding", String.format(Locale.ROOT, "%.3f", floodBytes / (double) perfect));
      Report.section("plumtree messages sent during the measured broadcasts (all nodes)");
      for (String type : List.of("gossip", "ihave", "graft", "prune")) {
        Report.line(type, Long.toString(typesAfter.get(type) - typesBefore.get(type)));
      }
      Report.line("missed deliveries (plumtree / flooding)", plumtree.missed + " / " + flooded.missed);
      PlumtreeStats stats = nodes.get(0).broadcaster().stats().get(5, TimeUnit.SECONDS);
      Report.line("n0 eager / lazy peers", stats.toString());
      flood.forEach(Flooding::close);
    }
    Report.footer();
  }

  private static void sendPlumtree(P2pNode sender, int size, Deliveries d) throws Exception {
    long id = d.start();
    byte[] payload = new byte[size];
    ByteBuffer.wrap(payload).putLong(id);
    sender.broadcast(TOPIC, payload).get(5, TimeUnit.SECONDS);
    d.awaitAll();
  }

  private static void sendFlood(Flooding sender, int size, Deliveries d) throws Exception {
    long id = d.start();
    byte[] payload = new byte[size];
    ByteBuffer.wrap(payload).putLong(id);
    sender.originate(payload);
    d.awaitAll();
  }

  private static Map<String, Long> messageTypes(RecordingMetrics metrics) {
    Map<String, Long> counts = new java.util.HashMap<>();
    for (String type : List.of("gossip", "ihave", "graft", "prune")) {
      counts.put(type, metrics.count(MeterName.BROADCAST_MESSAGES, type, "out"));
    }
    return counts;
  }

  private static String activeSizes(List<P2pNode> nodes) {
    int min = Integer.MAX_VALUE;
    int max = 0;
    double sum = 0;
    for (P2pNode node : nodes) {
      int s = node.membership().activeView().size();
      min = Math.min(min, s);
      max = Math.max(max, s);
      sum += s;
    }
    return String.format(Locale.ROOT, "min %d, mean %.2f, max %d", min, sum / nodes.size(), max);
  }

  /** Every active view non-empty, symmetric, and the overlay connected. */
  private static boolean overlayReady(List<P2pNode> nodes) {
    Map<NodeName, Set<NodeName>> views = new java.util.HashMap<>();
    for (P2pNode node : nodes) {
      views.put(node.name(), node.membership().activeView());
    }
    for (Map.Entry<NodeName, Set<NodeName>> e : views.entrySet()) {
      if (e.getValue().size() < 2) {
        return false;
      }
      for (NodeName peer : e.getValue()) {
        if (!views.get(peer).contains(e.getKey())) {
          return false;
        }
      }
    }
    Set<NodeName> reached = new HashSet<>();
    ArrayDeque<NodeName> queue = new ArrayDeque<>(List.of(nodes.get(0).name()));
    while (!queue.isEmpty()) {
      NodeName next = queue.poll();
      if (reached.add(next)) {
        queue.addAll(views.get(next));
      }
    }
    return reached.size() == nodes.size();
  }

  /** Arrival stamps of the message in flight; one message at a time. */
  static final class Deliveries {
    final Samples each = new Samples(100_000);
    final Samples last = new Samples(1_000);
    private final int receivers;
    private volatile long currentId;
    private volatile long sentAt;
    private volatile CountDownLatch pending;
    private final AtomicLong nextId = new AtomicLong();
    private final Samples scratch = new Samples(64);
    int missed;

    Deliveries(int nodes) {
      this.receivers = nodes - 1;
    }

    long start() {
      currentId = nextId.incrementAndGet();
      pending = new CountDownLatch(receivers);
      synchronized (scratch) {
        scratch.reset();
      }
      sentAt = System.nanoTime();
      return currentId;
    }

    void arrived(long id) {
      long now = System.nanoTime();
      if (id != currentId) {
        return; // a late duplicate of an earlier message cannot happen, but a stale one is not counted
      }
      synchronized (scratch) {
        scratch.add(now - sentAt);
      }
      pending.countDown();
    }

    void awaitAll() throws InterruptedException {
      if (!pending.await(5, TimeUnit.SECONDS)) {
        missed += (int) pending.getCount();
      }
      synchronized (scratch) {
        each.addAll(scratch);
        if (scratch.size() > 0) {
          last.add(scratch.percentile(100));
        }
      }
    }

    void reset() {
      each.reset();
      last.reset();
      missed = 0;
    }
  }

  /** Plain flooding over the node's active view, for comparison. */
  static final class Flooding implements AutoCloseable {
    static final AtomicLong payloadBytes = new AtomicLong();
    private final P2pNode node;
    private final Deliveries deliveries;
    private final Set<Long> seen = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor;

    Flooding(P2pNode node, Deliveries deliveries) {
      this.node = node;
      this.deliveries = deliveries;
      this.executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flood-" + node.name());
        t.setDaemon(true);
        return t;
      });
      node.onControl(FLOOD_CHANNEL, (from, payload) -> executor.execute(() -> onMessage(from, payload)));
    }

    void originate(byte[] payload) {
      executor.execute(() -> {
        seen.add(ByteBuffer.wrap(payload).getLong());
        forward(null, payload);
      });
    }

    private void onMessage(NodeName from, byte[] payload) {
      long id = ByteBuffer.wrap(payload).getLong();
      if (!seen.add(id)) {
        return;
      }
      deliveries.arrived(id);
      forward(from, payload);
    }

    private void forward(NodeName from, byte[] payload) {
      for (NodeName peer : node.membership().activeView()) {
        if (!peer.equals(from)) {
          payloadBytes.addAndGet(payload.length);
          node.sendControl(peer, FLOOD_CHANNEL, payload);
        }
      }
    }

    @Override
    public void close() {
      executor.shutdownNow();
    }
  }
}
