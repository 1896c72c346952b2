package io.barrel.p2p.bench;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.rpc.CallOptions;
import io.grpc.stub.StreamObserver;
import io.netty.channel.Channel;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 5: RPC over barrel-p2p (QUIC, one stream per call, CBOR) next to gRPC-java (HTTP/2
 * over TCP + TLS 1.3, {@link GrpcPeer}) and a floor of plain Netty TCP + TLS 1.3 request/response
 * ({@link TcpTlsPeer}, no RPC layer at all), all in one JVM, interleaved round by round.
 *
 * <ol>
 *   <li><b>latency</b>: unary echo of {@code sizes} bytes, one call in flight, from a blocking
 *       caller (barrel: a proxy's plain method; gRPC: the blocking stub; TCP: write, wait for the
 *       bytes to come back); percentiles over every measured call.
 *   <li><b>throughput</b>: {@code depth} calls of {@code tputSize} bytes kept in flight by
 *       {@link InFlight} (barrel: a {@code CompletableFuture} proxy; gRPC: the async stub; TCP:
 *       pipelined messages on one connection); calls per second.
 *   <li><b>stream</b>: one server stream of {@code items} items of {@code itemSize} bytes; items
 *       per second from the call until the last item arrived (barrel: a {@code Flow.Publisher}
 *       proxy whose subscriber keeps {@code demand} items requested; gRPC: a server streaming
 *       call whose server writes while the call is ready; TCP: the server writes items while the
 *       channel is writable).
 * </ol>
 *
 * <p>Arguments (key=value): {@code parts=latency,throughput,stream sizes=64,1024 warmup=10000
 * rounds=5 perRound=4000 depth=64 tputSize=64 tputWarmup=2 tputSeconds=3 tputRounds=3
 * items=100000 itemSize=1024 demand=256 streamReps=3 variant=default}.
 */
public final class RpcBenchmark {

  private RpcBenchmark() {}

  /** Which stacks run (all three by default; fewer for profiling one). */
  private static List<String> only;

  private static boolean runs(String stack) {
    return only.contains(stack);
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, "parts", "sizes", "warmup", "rounds", "perRound", "depth", "tputSize", "tputWarmup",
        "tputSeconds", "tputRounds", "items", "itemSize", "demand", "streamReps", "variant", "grpcExecutor", "only");
    List<String> parts = List.of(args.string("parts", "latency,throughput,stream").split(","));
    Knobs knobs = Knobs.parse(args.string("variant", "default"));
    only = List.of(args.string("only", "barrel,grpc,tcp").split(","));
    boolean grpcDirect = args.string("grpcExecutor", "default").equals("direct");
    Report.header("RPC: barrel-p2p vs gRPC-java vs TCP+TLS", knobs);

    try (BarrelNodes barrel = new BarrelNodes();
        GrpcPeer grpc = new GrpcPeer(grpcDirect);
        TcpTlsPeer tcpEcho = new TcpTlsPeer(1, NettyHandlers.EchoServer::new);
        TcpTlsPeer tcpItems = new TcpTlsPeer(1, NettyHandlers.ItemStreamServer::new)) {
      System.out.println("peer: " + grpc.describe());
      System.out.println("floor: " + tcpEcho.describe());
      P2pNode server = barrel.start("server", b -> b.transport(knobs.config()));
      server.publish(EchoService.class, new EchoServer());
      P2pNode client = barrel.start("client", b -> b.transport(knobs.config()).contactNodes(server.name().toString()));
      BarrelNodes.await(() -> client.services().instances(EchoService.class.getName()).size() == 1,
          "the client to see the server's EchoService", Duration.ofSeconds(60));
      EchoService echo = client.services().proxy(EchoService.class);
      AsyncEchoService asyncEcho = client.services().proxy(AsyncEchoService.class,
          CallOptions.defaults().withService(EchoService.class.getName()));
      echo.echo(new byte[1]);
      grpc.warmConnect();
      System.out.println("barrel: client node -> server node, proxy of " + EchoService.class.getSimpleName()
          + " (CBOR), JDK " + Runtime.version().feature() + " executors");

      if (parts.contains("latency")) {
        for (String s : args.string("sizes", "64,1024").split(",")) {
          latency(Integer.parseInt(s.trim()), echo, grpc, tcpEcho, args.integer("warmup", 10_000),
              args.integer("rounds", 5), args.integer("perRound", 4_000));
        }
      }
      if (parts.contains("throughput")) {
        throughput(args.integer("tputSize", 64), args.integer("depth", 64), asyncEcho, grpc, tcpEcho,
            args.integer("tputWarmup", 2), args.integer("tputSeconds", 3), args.integer("tputRounds", 3));
      }
      if (parts.contains("stream")) {
        stream(args.integer("items", 100_000), args.integer("itemSize", 1024), args.integer("demand", 256), echo,
            grpc, tcpItems, args.integer("streamReps", 3));
      }
      Report.footer();
    }
  }

  // ------------------------------------------------------------------ 1 call in flight

  private static void latency(int size, EchoService echo, GrpcPeer grpc, TcpTlsPeer tcp, int warmup, int rounds,
      int perRound) throws Exception {
    byte[] message = new byte[size];
    NettyHandlers.EchoClient tcpClient = new NettyHandlers.EchoClient(size);
    Channel channel = tcp.connect(tcpClient).get(10, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    if (runs("barrel")) {
      blockingCalls(() -> echo.echo(message), warmup, null);
    }
    if (runs("grpc")) {
      blockingCalls(() -> grpc.echoBlocking(message), warmup, null);
    }
    if (runs("tcp")) {
      tcpClient.run(warmup, null).get(5, TimeUnit.MINUTES);
    }
    double warmSeconds = (System.nanoTime() - t0) / 1e9;

    Samples b = new Samples(rounds * perRound);
    Samples g = new Samples(rounds * perRound);
    Samples t = new Samples(rounds * perRound);
    StringBuilder perRoundP50 = new StringBuilder();
    for (int r = 0; r < rounds; r++) {
      Samples bs = new Samples(perRound);
      Samples gs = new Samples(perRound);
      Samples ts = new Samples(perRound);
      if (runs("barrel")) {
        blockingCalls(() -> echo.echo(message), perRound, bs);
      }
      if (runs("grpc")) {
        blockingCalls(() -> grpc.echoBlocking(message), perRound, gs);
      }
      if (runs("tcp")) {
        tcpClient.run(perRound, ts).get(5, TimeUnit.MINUTES);
      }
      b.addAll(bs);
      g.addAll(gs);
      t.addAll(ts);
      perRoundP50.append(String.format(Locale.ROOT, " %.0f/%.0f/%.0f", p50(bs) / 1e3, p50(gs) / 1e3, p50(ts) / 1e3));
    }
    channel.close().syncUninterruptibly();
    Report.section("unary echo " + size + " B, 1 call in flight: " + rounds + " x " + perRound + " calls each after "
        + warmup + " warm-up (" + String.format(Locale.ROOT, "%.1f s", warmSeconds) + ")");
    if (b.size() > 0) {
      Report.line("barrel RPC (blocking proxy)", b.summary("us"));
    }
    if (g.size() > 0) {
      Report.line("gRPC (blocking stub)", g.summary("us"));
    }
    if (t.size() > 0) {
      Report.line("TCP+TLS echo (floor)", t.summary("us"));
    }
    if (b.size() > 0 && g.size() > 0 && t.size() > 0) {
      Report.ratio("p50 barrel/gRPC (target <= 1.0)", b.percentile(50), g.percentile(50));
      Report.ratio("p99 barrel/gRPC (target <= 1.2)", b.percentile(99), g.percentile(99));
      Report.ratio("p50 barrel/TCP", b.percentile(50), t.percentile(50));
      Report.ratio("p50 gRPC/TCP", g.percentile(50), t.percentile(50));
    }
    Report.line("p50 per round, barrel/gRPC/TCP us", perRoundP50.toString().trim());
  }

  private static double p50(Samples s) {
    return s.size() == 0 ? Double.NaN : s.percentile(50);
  }

  private interface BlockingCall {
    void call() throws Exception;
  }

  private static void blockingCalls(BlockingCall call, int n, Samples into) throws Exception {
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      call.call();
      long t1 = System.nanoTime();
      if (into != null) {
        into.add(t1 - t0);
      }
    }
  }

  // ------------------------------------------------------------------ many calls in flight

  private static void throughput(int size, int depth, AsyncEchoService echo, GrpcPeer grpc, TcpTlsPeer tcp,
      int warmupSeconds, int seconds, int rounds) throws Exception {
    byte[] message = new byte[size];
    InFlight barrelLoop = new InFlight(depth) {
      @Override
      void call(Done done) {
        echo.echo(message).whenComplete((v, e) -> done.answered(e));
      }
    };
    InFlight grpcLoop = new InFlight(depth) {
      @Override
      void call(Done done) {
        grpc.echoAsync(message, new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {}

          @Override
          public void onError(Throwable t) {
            done.answered(t);
          }

          @Override
          public void onCompleted() {
            done.answered(null);
          }
        });
      }
    };
    NettyHandlers.PipelinedEchoClient tcpClient = new NettyHandlers.PipelinedEchoClient(size);
    Channel channel = tcp.connect(tcpClient).get(10, TimeUnit.SECONDS);
    InFlight tcpLoop = new InFlight(depth) {
      @Override
      void call(Done done) {
        tcpClient.call(done);
      }
    };
    double[] b = new double[rounds];
    double[] g = new double[rounds];
    double[] t = new double[rounds];
    double[] bc = new double[rounds];
    double[] gc = new double[rounds];
    double[] tc = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      // Each round warms its loop up again: the other two ran in between.
      b[r] = runs("barrel") ? barrelLoop.run(r == 0 ? warmupSeconds : 1, seconds) : Double.NaN;
      bc[r] = barrelLoop.lastCpuPerCall;
      g[r] = runs("grpc") ? grpcLoop.run(r == 0 ? warmupSeconds : 1, seconds) : Double.NaN;
      gc[r] = grpcLoop.lastCpuPerCall;
      t[r] = runs("tcp") ? tcpLoop.run(r == 0 ? warmupSeconds : 1, seconds) : Double.NaN;
      tc[r] = tcpLoop.lastCpuPerCall;
    }
    channel.close().syncUninterruptibly();
    Report.section(depth + " calls in flight, " + size + " B echo: calls/s over " + rounds + " rounds of " + seconds
        + " s each; median [each round]");
    Report.line("barrel RPC (CompletableFuture proxy)", perSecond(b));
    Report.line("gRPC (async stub)", perSecond(g));
    Report.line("TCP+TLS pipelined echo (floor)", perSecond(t));
    Report.ratio("barrel/gRPC (target >= 1.0)", Samples.median(b), Samples.median(g));
    Report.ratio("barrel/TCP", Samples.median(b), Samples.median(t));
    Report.ratio("gRPC/TCP", Samples.median(g), Samples.median(t));
    Report.line("Java-thread CPU us per call, barrel/gRPC/TCP", cpu(bc) + " / " + cpu(gc) + " / " + cpu(tc));
    Report.ratio("CPU per call barrel/gRPC", Samples.median(bc), Samples.median(gc));
  }

  /** Median CPU microseconds from nanosecond figures. */
  private static String cpu(double[] nanos) {
    return String.format(Locale.ROOT, "%.1f", Samples.median(nanos) / 1e3);
  }

  private static String perSecond(double[] xs) {
    StringBuilder each = new StringBuilder();
    for (double x : xs) {
      each.append(String.format(Locale.ROOT, " %.0f", x));
    }
    return String.format(Locale.ROOT, "%.0f [%s]", Samples.median(xs), each.toString().trim());
  }

  // ------------------------------------------------------------------ server streaming

  private static void stream(int items, int itemSize, int demand, EchoService echo, GrpcPeer grpc, TcpTlsPeer tcp,
      int reps) throws Exception {
    NettyHandlers.SinkTarget tcpTarget = new NettyHandlers.SinkTarget();
    Channel channel = tcp.connect(new NettyHandlers.SinkHandler(tcpTarget)).get(10, TimeUnit.SECONDS);
    double[] b = new double[reps];
    double[] g = new double[reps];
    double[] t = new double[reps];
    double[] bc = new double[reps];
    double[] gc = new double[reps];
    double[] tc = new double[reps];
    for (int r = -1; r < reps; r++) { // rep -1 is the warm-up
      long c0 = Cpu.javaThreadsNanos();
      double bs = runs("barrel") ? barrelStream(echo, items, itemSize, demand) : Double.NaN;
      long c1 = Cpu.javaThreadsNanos();
      double gs = runs("grpc") ? grpcStream(grpc, items, itemSize) : Double.NaN;
      long c2 = Cpu.javaThreadsNanos();
      double ts = runs("tcp") ? tcpStream(channel, tcpTarget, items, itemSize) : Double.NaN;
      long c3 = Cpu.javaThreadsNanos();
      if (r >= 0) {
        b[r] = bs;
        g[r] = gs;
        t[r] = ts;
        bc[r] = (c1 - c0) / (double) items;
        gc[r] = (c2 - c1) / (double) items;
        tc[r] = (c3 - c2) / (double) items;
      }
    }
    channel.close().syncUninterruptibly();
    Report.section("server stream of " + items + " items of " + itemSize + " B: items/s over " + reps
        + " reps after 1 warm-up; median [each rep]");
    Report.line("barrel RPC (Flow.Publisher, demand " + demand + ")", perSecond(b));
    Report.line("gRPC (server streaming)", perSecond(g));
    Report.line("TCP+TLS item writes (floor)", perSecond(t));
    Report.ratio("barrel/gRPC", Samples.median(b), Samples.median(g));
    Report.ratio("barrel/TCP", Samples.median(b), Samples.median(t));
    Report.ratio("gRPC/TCP", Samples.median(g), Samples.median(t));
    Report.line("Java-thread CPU us per item, barrel/gRPC/TCP", cpu(bc) + " / " + cpu(gc) + " / " + cpu(tc));
    Report.ratio("CPU per item barrel/gRPC", Samples.median(bc), Samples.median(gc));
  }

  private static double barrelStream(EchoService echo, int items, int itemSize, int demand) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    long t0 = System.nanoTime();
    echo.items(items, itemSize).subscribe(new Flow.Subscriber<>() {
      private Flow.Subscription subscription;
      private long received;
      private long sinceRequest;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(demand);
      }

      @Override
      public void onNext(byte[] item) {
        received++;
        // Top the demand up by half of it whenever half has arrived: never more than demand outstanding.
        if (++sinceRequest == Math.max(1, demand / 2)) {
          sinceRequest = 0;
          subscription.request(Math.max(1, demand / 2));
        }
      }

      @Override
      public void onError(Throwable e) {
        done.completeExceptionally(e);
      }

      @Override
      public void onComplete() {
        if (received != items) {
          done.completeExceptionally(new IllegalStateException("got " + received + " of " + items + " items"));
        } else {
          done.complete(System.nanoTime());
        }
      }
    });
    return items / ((done.get(5, TimeUnit.MINUTES) - t0) / 1e9);
  }

  private static double grpcStream(GrpcPeer grpc, int items, int itemSize) throws Exception {
    CompletableFuture<Long> done = new CompletableFuture<>();
    long t0 = System.nanoTime();
    grpc.items(items, itemSize, new StreamObserver<>() {
      private long received;

      @Override
      public void onNext(byte[] value) {
        received++;
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (received != items) {
          done.completeExceptionally(new IllegalStateException("got " + received + " of " + items + " items"));
        } else {
          done.complete(System.nanoTime());
        }
      }
    });
    return items / ((done.get(5, TimeUnit.MINUTES) - t0) / 1e9);
  }

  private static double tcpStream(Channel channel, NettyHandlers.SinkTarget target, int items, int itemSize)
      throws Exception {
    Sink sink = new Sink((long) items * itemSize);
    target.sink = sink;
    long t0 = System.nanoTime();
    channel.writeAndFlush(Unpooled.wrappedBuffer(ByteBuffer.allocate(8).putInt(items).putInt(itemSize).flip()));
    return items / ((sink.done().get(5, TimeUnit.MINUTES) - t0) / 1e9);
  }
}
