package io.barrel.p2p.bench;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.InlineStreamListener;
import io.barrel.p2p.transport.StreamListener;
import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 3: bulk upload of {@code size} bytes from node a to node b, split evenly over 1 and
 * over 8 streams, measured from the first write until the receiver's listeners have counted every
 * byte. Each transfer runs on a fresh connection (opened and streams created before the clock
 * starts). barrel-p2p writes through {@link StreamPump} (while the stream is writable, at most a
 * window of bytes not yet taken by QUIC); the receiver is, per receive mode, an ordinary {@link
 * StreamListener} on the node's application executor ({@code app}) or an {@link
 * InlineStreamListener} that counts the bytes in place on the event loop ({@code inline}).
 *
 * <p>Peer: 1 or 8 Netty TCP + TLS 1.3 (BoringSSL) connections from one client event loop to one
 * server event loop, the client writing while the channel is writable (1 MiB high water mark),
 * the server counting in its handler.
 *
 * <p>Diagnostic third column: {@link RawQuicPeer} (bare QUIC, barrel's codec settings, the
 * same writability-driven pump as the TCP peer, on the event loop). "cores busy" is the JVM's CPU
 * time over the transfer's wall time, for all parties together (2 would be both cores).
 *
 * <p>Several barrel transport variants ({@link Knobs}) can run in one JVM, each on its own pair of
 * nodes; transfers are interleaved (TCP, variant 1, variant 2, ...) rep by rep.
 *
 * <p>Arguments (key=value): {@code size=256m warmupSize=64m warmup=3 reps=3 streams=1,8
 * chunk=64k window=1m variants=default receive=app,inline tcp=true raw=true barrel=true} (false
 * leaves that one out, for knob sweeps or profiling). Each (variant, receive mode) has its own pair
 * of nodes.
 */
public final class BulkBenchmark {

  private BulkBenchmark() {}

  private static volatile Sink barrelSink;

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, "size", "warmupSize", "warmup", "reps", "streams", "chunk", "window", "variants", "receive",
        "tcp", "raw", "barrel");
    long size = args.bytes("size", 256L * 1024 * 1024);
    long warmupSize = args.bytes("warmupSize", 64L * 1024 * 1024);
    int warmup = args.integer("warmup", 3);
    int reps = args.integer("reps", 3);
    int chunkSize = (int) args.bytes("chunk", 64 * 1024);
    long window = args.bytes("window", 1024 * 1024);
    List<Integer> streamCounts = new ArrayList<>();
    for (String s : args.string("streams", "1,8").split(",")) {
      streamCounts.add(Integer.parseInt(s.trim()));
    }
    List<Knobs> variants = Knobs.parseList(args.string("variants", "default"));
    List<String> receiveModes = List.of(args.string("receive", "app,inline").split(","));
    for (String mode : receiveModes) {
      if (!mode.equals("app") && !mode.equals("inline")) {
        throw new IllegalArgumentException("receive mode '" + mode + "' is neither app nor inline");
      }
    }
    boolean withTcp = args.flag("tcp", true);
    boolean withRaw = args.flag("raw", true);
    boolean withBarrel = args.flag("barrel", true);
    Report.header("bulk transfer " + Knobs.human(size), null);
    System.out.println("chunk " + Knobs.human(chunkSize) + ", barrel in-flight window per stream " + Knobs.human(window));
    byte[] chunk = new byte[chunkSize];
    new java.util.Random(1).nextBytes(chunk);

    NettyHandlers.SinkTarget tcpState = new NettyHandlers.SinkTarget();
    NettyHandlers.SinkTarget rawState = new NettyHandlers.SinkTarget();
    try (BarrelNodes barrel = new BarrelNodes();
        TcpTlsPeer tcp = new TcpTlsPeer(1, () -> new NettyHandlers.SinkHandler(tcpState));
        RawQuicPeer raw = new RawQuicPeer(variants.get(0).config(), true, () -> new NettyHandlers.SinkHandler(rawState))) {
      System.out.println("peer: " + tcp.describe());
      System.out.println("diagnostic: " + raw.describe() + ", settings of variant 0");
      List<P2pNode[]> pairs = new ArrayList<>();
      List<String> pairLabels = new ArrayList<>();
      for (int v = 0; withBarrel && v < variants.size(); v++) {
        System.out.println("barrel variant " + v + ": " + variants.get(v).label());
        for (String mode : receiveModes) {
          P2pNode a = barrel.start("a" + v + mode, variants.get(v).config());
          P2pNode b = barrel.start("b" + v + mode, variants.get(v).config());
          if (mode.equals("inline")) {
            b.registerAcceptor("sink", s -> s.listenInline(new InlineSink(barrelSink)));
          } else {
            b.registerAcceptor("sink", s -> s.listen(new SinkListener(barrelSink)));
          }
          pairs.add(new P2pNode[] {a, b});
          pairLabels.add("barrel v" + v + " " + mode);
        }
      }

      long t0 = System.nanoTime();
      for (int w = 0; w < warmup; w++) {
        for (int streams : streamCounts) {
          if (withTcp) {
            tcpTransfer(tcp, tcpState, streams, warmupSize, chunk);
          }
          if (withRaw) {
            rawTransfer(raw, rawState, streams, warmupSize, chunk);
          }
          for (P2pNode[] p : pairs) {
            barrelTransfer(p[0], p[1], streams, warmupSize, chunk, window);
          }
        }
      }
      System.out.printf(Locale.ROOT, "warm-up: %d x %s per configuration, %.1f s%n", warmup, Knobs.human(warmupSize),
          (System.nanoTime() - t0) / 1e9);

      Map<String, double[]> results = new LinkedHashMap<>();
      cpu.clear();
      for (int r = 0; r < reps; r++) {
        for (int streams : streamCounts) {
          if (withTcp) {
            record(results, "TCP+TLS", streams, r, reps, tcpTransfer(tcp, tcpState, streams, size, chunk));
          }
          if (withRaw) {
            record(results, "raw QUIC", streams, r, reps, rawTransfer(raw, rawState, streams, size, chunk));
          }
          for (int v = 0; v < pairs.size(); v++) {
            P2pNode[] p = pairs.get(v);
            record(results, pairLabels.get(v), streams, r, reps,
                barrelTransfer(p[0], p[1], streams, size, chunk, window));
          }
        }
      }

      Report.section("MB/s (10^6 B/s), " + reps + " reps of " + Knobs.human(size) + "; median [each rep]");
      for (Map.Entry<String, double[]> e : results.entrySet()) {
        double[] xs = e.getValue();
        StringBuilder each = new StringBuilder();
        for (double x : xs) {
          each.append(String.format(Locale.ROOT, " %.0f", x));
        }
        String streamsKey = e.getKey().substring(e.getKey().lastIndexOf(' ') + 1);
        double[] tcpRuns = results.get("TCP+TLS " + streamsKey);
        double tcpMedian = tcpRuns == null ? Double.NaN : Samples.median(tcpRuns);
        Report.line(e.getKey(), String.format(Locale.ROOT, "%7.0f  [%s ]  ratio to TCP %.2fx  cores busy %.2f",
            Samples.median(xs), each.toString().trim(), Samples.median(xs) / tcpMedian, cpu.get(e.getKey())));
      }
      Report.line("target barrel >= 0.8x TCP+TLS", "see ratios above");
      Report.footer();
    }
  }

  /** Process CPU time over wall time of the last transfer, and its average per configuration. */
  private static final Map<String, Double> cpu = new LinkedHashMap<>();
  private static double lastCoresBusy;

  private static void record(Map<String, double[]> results, String who, int streams, int rep, int reps, double mbps) {
    String key = who + " " + streams + "s";
    results.computeIfAbsent(key, k -> new double[reps])[rep] = mbps;
    cpu.merge(key, lastCoresBusy / reps, Double::sum);
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** MB/s of {@code size} bytes moved between {@code t0} and {@code end}; notes CPU use since {@code cpu0}. */
  private static double rate(long size, long t0, long end, long cpu0) {
    lastCoresBusy = (OS.getProcessCpuTime() - cpu0) / (double) (end - t0);
    return size / ((end - t0) / 1e9) / 1e6;
  }

  /** One barrel transfer on a fresh connection; returns MB/s. */
  static double barrelTransfer(P2pNode a, P2pNode b, int streams, long size, byte[] chunk, long window)
      throws Exception {
    if (a.transport().openQuicConnections() > 0) {
      BarrelNodes.disconnectAndWait(a, b);
    }
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    Sink sink = new Sink(size);
    barrelSink = sink;
    List<AppStream> opened = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      opened.add(a.openStream(b.name(), "sink").get(10, TimeUnit.SECONDS));
    }
    long perStream = size / streams;
    List<StreamPump> pumps = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      long part = i == streams - 1 ? size - perStream * (streams - 1) : perStream;
      StreamPump pump = new StreamPump(opened.get(i), chunk, part, window);
      pump.failures().whenComplete((v, e) -> sink.fail(e));
      pumps.add(pump);
    }
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    pumps.forEach(StreamPump::start);
    long end;
    try {
      end = sink.done().get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("barrel transfer stalled at " + sink.received() + " of " + size + " bytes", e);
    }
    double mbps = rate(size, t0, end, cpu0);
    opened.forEach(AppStream::finish);
    return mbps;
  }

  /** One TCP+TLS transfer over {@code connections} fresh connections; returns MB/s. */
  static double tcpTransfer(TcpTlsPeer tcp, NettyHandlers.SinkTarget state, int connections, long size, byte[] chunk)
      throws Exception {
    Sink sink = new Sink(size);
    state.sink = sink;
    long perConnection = size / connections;
    List<NettyHandlers.Pump> pumps = new ArrayList<>();
    List<Channel> channels = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      long part = i == connections - 1 ? size - perConnection * (connections - 1) : perConnection;
      NettyHandlers.Pump pump = new NettyHandlers.Pump(chunk, part);
      channels.add(tcp.connect(pump).get(10, TimeUnit.SECONDS));
      pumps.add(pump);
    }
    BarrelNodes.await(() -> tcp.serverConnections() == connections, "the TCP server to accept every connection");
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    pumps.forEach(NettyHandlers.Pump::start);
    long end = sink.done().get(120, TimeUnit.SECONDS);
    double mbps = rate(size, t0, end, cpu0);
    for (Channel ch : channels) {
      ch.close();
    }
    BarrelNodes.await(() -> tcp.serverConnections() == 0, "the TCP server to close");
    return mbps;
  }

  /** One bare-QUIC transfer over {@code streams} streams of a fresh connection; returns MB/s. */
  static double rawTransfer(RawQuicPeer raw, NettyHandlers.SinkTarget state, int streams, long size, byte[] chunk)
      throws Exception {
    Sink sink = new Sink(size);
    state.sink = sink;
    QuicChannel quic = raw.connect().get(10, TimeUnit.SECONDS);
    long perStream = size / streams;
    List<NettyHandlers.Pump> pumps = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      long part = i == streams - 1 ? size - perStream * (streams - 1) : perStream;
      NettyHandlers.Pump pump = new NettyHandlers.Pump(chunk, part);
      RawQuicPeer.openStream(quic, pump).get(10, TimeUnit.SECONDS);
      pumps.add(pump);
    }
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    pumps.forEach(NettyHandlers.Pump::start);
    long end;
    try {
      end = sink.done().get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("raw QUIC transfer stalled at " + sink.received() + " of " + size + " bytes", e);
    }
    double mbps = rate(size, t0, end, cpu0);
    raw.closeAndWait(quic);
    return mbps;
  }

  /** Receiver side of a barrel stream read in place on the event loop: counts bytes. */
  static final class InlineSink implements InlineStreamListener {
    private final Sink sink;

    InlineSink(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void onData(AppStream stream, java.nio.ByteBuffer data) {
      sink.add(data.remaining());
    }

    @Override
    public void onError(AppStream stream, Throwable cause) {
      sink.fail(cause);
    }
  }

  /** Receiver side of a barrel stream on the application executor: counts bytes. */
  static final class SinkListener implements StreamListener {
    private final Sink sink;

    SinkListener(Sink sink) {
      this.sink = sink;
    }

    @Override
    public void onData(AppStream stream, byte[] data) {
      sink.add(data.length);
    }

    @Override
    public void onError(AppStream stream, Throwable cause) {
      sink.fail(cause);
    }
  }
}
