package io.barrel.p2p.bench;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamListener;
import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 2: 64-byte echo round trips on one stream.
 *
 * <p>barrel-p2p: node a opens an {@link AppStream} tagged "echo" to node b, whose acceptor writes
 * every chunk back; the client writes the next message from its {@link StreamListener} as soon as
 * 64 bytes are back. Both listeners run on the nodes' application executors, as user code always
 * does. Peer: one Netty TCP + TLS 1.3 (BoringSSL) connection, server echoing in its handler, client
 * sending the next message from its handler. Diagnostic third column: {@link RawQuicPeer}, the
 * same echo on a bare QUIC stream with barrel's codec settings and handlers on the event loop. Warm-up first, then rounds alternating between the two
 * so host noise hits both; percentiles are over all measured round trips.
 *
 * <p>Arguments (key=value): {@code size=64 warmup=20000 rounds=5 perRound=10000 variant=default}.
 */
public final class EchoBenchmark {

  private EchoBenchmark() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, "size", "warmup", "rounds", "perRound", "variant");
    int size = args.integer("size", 64);
    int warmup = args.integer("warmup", 20_000);
    int rounds = args.integer("rounds", 5);
    int perRound = args.integer("perRound", 10_000);
    Knobs knobs = Knobs.parse(args.string("variant", "default"));
    Report.header(size + " B echo round trip, one stream", knobs);

    try (BarrelNodes barrel = new BarrelNodes();
        TcpTlsPeer tcp = new TcpTlsPeer(1, NettyHandlers.EchoServer::new);
        RawQuicPeer raw = new RawQuicPeer(knobs.config(), true, NettyHandlers.EchoServer::new)) {
      System.out.println("peer: " + tcp.describe());
      System.out.println("diagnostic: " + raw.describe());
      P2pNode a = barrel.start("a", knobs.config());
      P2pNode b = barrel.start("b", knobs.config());
      b.registerAcceptor("echo", s -> s.listen((st, data) -> st.write(data)));
      AppStream stream = a.openStream(b.name(), "echo").get(10, TimeUnit.SECONDS);
      PingPong barrelClient = new PingPong(size) {
        @Override
        void send() {
          stream.write(message);
        }
      };
      stream.listen((st, data) -> barrelClient.onBytes(data.length));

      NettyHandlers.EchoClient tcpHandler = new NettyHandlers.EchoClient(size);
      Channel channel = tcp.connect(tcpHandler).get(10, TimeUnit.SECONDS);
      NettyHandlers.EchoClient rawHandler = new NettyHandlers.EchoClient(size);
      QuicChannel quic = raw.connect().get(10, TimeUnit.SECONDS);
      RawQuicPeer.openStream(quic, rawHandler).get(10, TimeUnit.SECONDS);

      long t0 = System.nanoTime();
      barrelClient.run(warmup, null).get(5, TimeUnit.MINUTES);
      tcpHandler.run(warmup, null).get(5, TimeUnit.MINUTES);
      rawHandler.run(warmup, null).get(5, TimeUnit.MINUTES);
      double warmSeconds = (System.nanoTime() - t0) / 1e9;

      Samples barrelAll = new Samples(rounds * perRound);
      Samples tcpAll = new Samples(rounds * perRound);
      Samples rawAll = new Samples(rounds * perRound);
      StringBuilder perRoundP50 = new StringBuilder();
      for (int r = 0; r < rounds; r++) {
        Samples bs = new Samples(perRound);
        Samples ts = new Samples(perRound);
        Samples rs = new Samples(perRound);
        barrelClient.run(perRound, bs).get(5, TimeUnit.MINUTES);
        tcpHandler.run(perRound, ts).get(5, TimeUnit.MINUTES);
        rawHandler.run(perRound, rs).get(5, TimeUnit.MINUTES);
        barrelAll.addAll(bs);
        tcpAll.addAll(ts);
        rawAll.addAll(rs);
        perRoundP50.append(String.format(Locale.ROOT, " %.0f/%.0f/%.0f", bs.percentile(50) / 1e3,
            ts.percentile(50) / 1e3, rs.percentile(50) / 1e3));
      }
      Report.section(rounds + " x " + perRound + " round trips each after " + warmup + " warm-up ("
          + String.format(Locale.ROOT, "%.1f s", warmSeconds) + ")");
      Report.line("barrel AppStream echo", barrelAll.summary("us"));
      Report.line("TCP+TLS echo", tcpAll.summary("us"));
      Report.line("raw QUIC echo (diagnostic)", rawAll.summary("us"));
      Report.ratio("p50 barrel/TCP", barrelAll.percentile(50), tcpAll.percentile(50));
      Report.ratio("p99 barrel/TCP", barrelAll.percentile(99), tcpAll.percentile(99));
      Report.ratio("p50 raw QUIC/TCP", rawAll.percentile(50), tcpAll.percentile(50));
      Report.line("p50 per round, barrel/TCP/raw us", perRoundP50.toString().trim());
      channel.close().syncUninterruptibly();
      quic.close().syncUninterruptibly();
      Report.footer();
    }
  }
}
