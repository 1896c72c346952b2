package io.barrel.p2p.bench;

import io.barrel.p2p.P2pNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 1: connect + mutual authentication on loopback, a fresh connection every time.
 *
 * <p>barrel-p2p: {@code a.connect(b)} until its future completes, i.e. QUIC handshake (a Retry
 * only when the server has {@code retry-threshold} handshakes under way, so none here) + the
 * one-round-trip Ed25519 handshake bound to the certificate + control stream opened, the point
 * from which {@code openStream} works. Peer: Netty TCP connect + TLS 1.3 handshake
 * (BoringSSL) until the client has finished it, no application authentication. Between connects
 * both sides close and the benchmark waits until neither end holds the connection; both nodes
 * stay up. Samples are interleaved (barrel, TCP, barrel, ...) so host noise hits both alike.
 *
 * <p>Diagnostic columns: bare Netty QUIC handshakes with barrel's codec settings, with and
 * without a Retry, and without a Retry plus one stream round trip (barrel's handshake pattern
 * without its crypto), to split barrel's connect time into QUIC, round trips and its own CPU; and
 * the server's side of barrel's handshake (its auth stream arriving to the client verified).
 *
 * <p>Then a concurrent phase: {@code concurrency} dialer nodes (barrel) or client connections (TCP)
 * connect to one server at the same instant; the burst's wall time gives handshakes per second
 * that one server event loop sustains.
 *
 * <p>Arguments (key=value): {@code warmup=300 connects=400 concurrency=8 rounds=60 variant=default
 * compare=} ({@code compare} names a second variant run interleaved with the first, sequential part
 * only).
 */
public final class ConnectBenchmark {

  private ConnectBenchmark() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, "warmup", "connects", "concurrency", "rounds", "variant", "compare");
    int warmup = args.integer("warmup", 300);
    int connects = args.integer("connects", 400);
    int concurrency = args.integer("concurrency", 8);
    int rounds = args.integer("rounds", 60);
    Knobs knobs = Knobs.parse(args.string("variant", "default"));
    // A second barrel pair with other settings, interleaved connect by connect with the first, so
    // that two settings meet the same load of a noisy host.
    String compareSpec = args.string("compare", "");
    Knobs compare = compareSpec.isEmpty() ? null : Knobs.parse(compareSpec);
    Report.header("connect + mutual auth", knobs);

    AuthTimes auth = new AuthTimes();
    try (BarrelNodes barrel = new BarrelNodes();
        TcpTlsPeer tcp = new TcpTlsPeer(concurrency, ChannelInboundHandlerAdapter::new);
        RawQuicPeer rawRetry = new RawQuicPeer(knobs.config(), true, NettyHandlers.EchoServer::new);
        RawQuicPeer rawDirect = new RawQuicPeer(knobs.config(), false, NettyHandlers.EchoServer::new)) {
      System.out.println("peer: " + tcp.describe());
      System.out.println("diagnostic: " + rawRetry.describe() + "; and the same without Retry");
      P2pNode a = barrel.start("a", knobs.config());
      P2pNode b = barrel.start("b", knobs.config(), auth);
      P2pNode ca = compare == null ? null : barrel.start("ca", compare.config());
      P2pNode cb = compare == null ? null : barrel.start("cb", compare.config());
      Samples compareConnect = new Samples(connects);

      // ---- sequential
      Samples barrelConnect = new Samples(connects);
      Samples tcpConnect = new Samples(connects);
      Samples barrelClose = new Samples(connects);
      Samples tcpClose = new Samples(connects);
      Samples rawRetryConnect = new Samples(connects);
      Samples rawDirectConnect = new Samples(connects);
      Samples rawOneTrip = new Samples(connects);
      for (int i = 0; i < warmup; i++) {
        barrelOnce(a, b, null, null);
        if (compare != null) {
          barrelOnce(ca, cb, null, null);
        }
        tcpOnce(tcp, null, null);
        rawOnce(rawRetry, null);
        rawOnce(rawDirect, null);
        rawWithTrip(rawDirect, null);
      }
      auth.recording(true);
      long t0 = System.nanoTime();
      for (int i = 0; i < connects; i++) {
        barrelOnce(a, b, barrelConnect, barrelClose);
        if (compare != null) {
          barrelOnce(ca, cb, compareConnect, null);
        }
        tcpOnce(tcp, tcpConnect, tcpClose);
        rawOnce(rawRetry, rawRetryConnect);
        rawOnce(rawDirect, rawDirectConnect);
        rawWithTrip(rawDirect, rawOneTrip);
      }
      auth.recording(false);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Samples authOnly = auth.snapshot();

      Report.section("sequential: one dialer, " + connects + " connects after " + warmup + " warm-up ("
          + String.format(Locale.ROOT, "%.1f s", seconds) + ")");
      Report.line("barrel connect+auth", barrelConnect.summary("ms"));
      Report.line("  server's auth (stream in -> verified)", authOnly.summary("ms"));
      if (compare != null) {
        Report.line("barrel connect+auth, " + compare.label(), compareConnect.summary("ms"));
        Report.ratio("p50 compared/barrel", compareConnect.percentile(50), barrelConnect.percentile(50));
      }
      Report.line("TCP+TLS connect+handshake", tcpConnect.summary("ms"));
      Report.line("raw QUIC handshake, Retry (diag.)", rawRetryConnect.summary("ms"));
      Report.line("raw QUIC handshake, no Retry (diag.)", rawDirectConnect.summary("ms"));
      Report.line("raw QUIC, no Retry + 1 stream RTT", rawOneTrip.summary("ms"));
      Report.ratio("p50 barrel/TCP", barrelConnect.percentile(50), tcpConnect.percentile(50));
      Report.ratio("p99 barrel/TCP", barrelConnect.percentile(99), tcpConnect.percentile(99));
      Report.line("barrel handshakes/s (1/mean)", String.format(Locale.ROOT, "%.0f", 1e9 / barrelConnect.mean()));
      Report.line("TCP handshakes/s (1/mean)", String.format(Locale.ROOT, "%.0f", 1e9 / tcpConnect.mean()));
      Report.line("barrel close until both ends gone", barrelClose.summary("ms"));
      Report.line("TCP close until both ends gone", tcpClose.summary("ms"));
      Report.line("target connect+auth p50 <= 2 ms", barrelConnect.percentile(50) <= 2_000_000 ? "MET" : "MISSED");

      // ---- concurrent
      List<P2pNode> dialers = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        dialers.add(barrel.start("d" + i, knobs.config()));
      }
      Samples barrelBurst = new Samples(rounds);
      Samples tcpBurst = new Samples(rounds);
      Samples barrelEach = new Samples(rounds * concurrency);
      Samples tcpEach = new Samples(rounds * concurrency);
      int burstWarmup = Math.max(10, rounds / 4);
      for (int r = 0; r < burstWarmup + rounds; r++) {
        boolean measure = r >= burstWarmup;
        barrelBurst(dialers, b, measure ? barrelBurst : null, measure ? barrelEach : null);
        tcpBurst(tcp, concurrency, measure ? tcpBurst : null, measure ? tcpEach : null);
      }
      Report.section("concurrent: " + concurrency + " dialers -> one server at once, " + rounds + " bursts after "
          + burstWarmup + " warm-up");
      Report.line("barrel burst (all " + concurrency + " usable)", barrelBurst.summary("ms"));
      Report.line("TCP+TLS burst", tcpBurst.summary("ms"));
      Report.line("barrel per-connect in burst", barrelEach.summary("ms"));
      Report.line("TCP per-connect in burst", tcpEach.summary("ms"));
      double barrelRate = concurrency * 1e9 / barrelBurst.percentile(50);
      double tcpRate = concurrency * 1e9 / tcpBurst.percentile(50);
      Report.line("barrel handshakes/s (N / p50 burst)", String.format(Locale.ROOT, "%.0f", barrelRate));
      Report.line("TCP handshakes/s (N / p50 burst)", String.format(Locale.ROOT, "%.0f", tcpRate));
      Report.line("ratio barrel/TCP (handshakes/s)", String.format(Locale.ROOT, "%.2fx", barrelRate / tcpRate));
      Report.footer();
    }
  }

  private static void barrelOnce(P2pNode a, P2pNode b, Samples connect, Samples close) throws Exception {
    long t0 = System.nanoTime();
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    long t = System.nanoTime() - t0;
    long c = BarrelNodes.disconnectAndWait(a, b);
    if (connect != null) {
      connect.add(t);
    }
    if (close != null) {
      close.add(c);
    }
  }

  private static void tcpOnce(TcpTlsPeer tcp, Samples connect, Samples close) throws Exception {
    long t0 = System.nanoTime();
    Channel ch = tcp.connect(new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS);
    long t = System.nanoTime() - t0;
    long c = tcp.closeAndWait(ch);
    if (connect != null) {
      connect.add(t);
      close.add(c);
    }
  }

  private static void rawOnce(RawQuicPeer raw, Samples connect) throws Exception {
    long t0 = System.nanoTime();
    io.netty.handler.codec.quic.QuicChannel quic = raw.connect().get(10, TimeUnit.SECONDS);
    long t = System.nanoTime() - t0;
    raw.closeAndWait(quic);
    if (connect != null) {
      connect.add(t);
    }
  }

  /**
   * A bare QUIC connect followed by one 200-byte round trip on a new stream: the message pattern of
   * barrel's Ed25519 handshake as the dialer sees it, without its crypto, to tell round trips from CPU.
   */
  private static void rawWithTrip(RawQuicPeer raw, Samples connect) throws Exception {
    long t0 = System.nanoTime();
    io.netty.handler.codec.quic.QuicChannel quic = raw.connect().get(10, TimeUnit.SECONDS);
    NettyHandlers.EchoClient echo = new NettyHandlers.EchoClient(200);
    RawQuicPeer.openStream(quic, echo).get(10, TimeUnit.SECONDS);
    echo.run(1, null).get(10, TimeUnit.SECONDS);
    long t = System.nanoTime() - t0;
    raw.closeAndWait(quic);
    if (connect != null) {
      connect.add(t);
    }
  }

  private static void barrelBurst(List<P2pNode> dialers, P2pNode server, Samples burst, Samples each)
      throws Exception {
    long[] done = new long[dialers.size()];
    List<CompletableFuture<Void>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < dialers.size(); i++) {
      int k = i;
      all.add(dialers.get(i).connect(server.name()).whenComplete((v, e) -> done[k] = System.nanoTime()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    long t = System.nanoTime() - t0;
    for (P2pNode d : dialers) {
      d.transport().disconnect(server.name());
    }
    for (P2pNode d : dialers) {
      BarrelNodes.await(() -> d.transport().openQuicConnections() == 0, "dialer connections to close");
    }
    BarrelNodes.await(() -> server.transport().openQuicConnections() == 0, "server connections to close");
    if (burst != null) {
      burst.add(t);
      for (long d : done) {
        each.add(d - t0);
      }
    }
  }

  private static void tcpBurst(TcpTlsPeer tcp, int n, Samples burst, Samples each) throws Exception {
    long[] done = new long[n];
    List<CompletableFuture<Channel>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      int k = i;
      all.add(tcp.connect(new ChannelInboundHandlerAdapter()).whenComplete((v, e) -> done[k] = System.nanoTime()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    long t = System.nanoTime() - t0;
    for (CompletableFuture<Channel> f : all) {
      f.get().close();
    }
    BarrelNodes.await(() -> tcp.serverConnections() == 0, "TCP server connections to close");
    if (burst != null) {
      burst.add(t);
      for (long d : done) {
        each.add(d - t0);
      }
    }
  }
}
