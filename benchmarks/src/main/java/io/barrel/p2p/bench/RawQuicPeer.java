package io.barrel.p2p.bench;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.tls.SelfSignedCertificate;
import io.barrel.p2p.tls.TlsMaterial;
import io.barrel.p2p.transport.TransportConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelBootstrap;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A diagnostic third column: bare Netty QUIC with exactly the codec settings barrel's
 * QuicEndpoint derives from a {@link TransportConfig} (flow control, payload size, CUBIC, 20-byte
 * connection ids, GSO when on), the same P-256 certificate kind, one event loop per side, but no
 * Ed25519 handshake, no control stream, no socket router, and application handlers on the event
 * loop. barrel minus this is the cost of barrel's own layers; this minus TCP+TLS is QUIC's.
 */
final class RawQuicPeer implements AutoCloseable {

  private final EventLoopGroup serverGroup;
  private final EventLoopGroup clientGroup;
  private final Channel serverSocket;
  private final Channel clientSocket;
  private final InetSocketAddress serverAddress;
  private final SegmentedDatagramPacketAllocator gso;
  private final AtomicInteger serverConnections = new AtomicInteger();
  private final boolean retry;

  /**
   * @param retry whether the server sends a Retry first, as a barrel node always does
   * @param serverStreamHandler makes the handler of every stream the client opens
   */
  RawQuicPeer(TransportConfig config, boolean retry, Supplier<ChannelHandler> serverStreamHandler) throws Exception {
    this.retry = retry;
    boolean epoll = Epoll.isAvailable();
    gso = config.gso() && epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported()
        // Netty's own allocator: a fixed count, sized so a batch of the largest datagrams fits one send.
        ? EpollQuicUtils.newSegmentedAllocator(Math.max(1, Math.min(16, 65_507 / config.datagramCeiling()))) : null;
    TlsMaterial tls = SelfSignedCertificate.generate(NodeName.of("raw-quic@127.0.0.1"), Clock.systemUTC());
    QuicSslContext serverContext = QuicSslContextBuilder.forServer(tls.privateKey(), null, tls.certificate())
        .applicationProtocols("bench").build();
    QuicSslContext clientContext = QuicSslContextBuilder.forClient()
        // Benchmark peer on loopback only, never shipped: it measures the transport, not identity.
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .endpointIdentificationAlgorithm(null)
        .applicationProtocols("bench").build();

    QuicServerCodecBuilder server = settings(new QuicServerCodecBuilder(), config)
        .sslContext(serverContext)
        .tokenHandler(retry ? InsecureQuicTokenHandler.INSTANCE : null)
        .handler(new ChannelInitializer<QuicChannel>() {
          @Override
          protected void initChannel(QuicChannel ch) {
            serverConnections.incrementAndGet();
            ch.closeFuture().addListener(f -> serverConnections.decrementAndGet());
          }
        })
        .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
          @Override
          protected void initChannel(QuicStreamChannel ch) {
            ch.pipeline().addLast(serverStreamHandler.get());
          }
        });
    if (gso != null) {
      server.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, gso);
    }
    ChannelHandler serverCodec = server.build();
    ChannelHandler clientCodec = settings(new QuicClientCodecBuilder(), config).sslContext(clientContext).build();

    serverGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("quic-server", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    clientGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("quic-client", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    serverSocket = udp(serverGroup, epoll, config, serverCodec);
    clientSocket = udp(clientGroup, epoll, config, clientCodec);
    serverAddress = (InetSocketAddress) serverSocket.localAddress();
  }

  private static Channel udp(EventLoopGroup group, boolean epoll, TransportConfig config, ChannelHandler codec)
      throws InterruptedException {
    return new Bootstrap().group(group)
        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, config.socketBufferBytes())
        // As barrel's endpoint: a read buffer for the largest datagram advertised, 16 reads per wake-up.
        .option(ChannelOption.RCVBUF_ALLOCATOR,
            new io.netty.channel.FixedRecvByteBufAllocator(config.maxRecvUdpPayload()).maxMessagesPerRead(16))
        .option(ChannelOption.SO_SNDBUF, config.socketBufferBytes())
        .handler(codec)
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  /** The same codec settings as barrel's QuicEndpoint. */
  private static <B extends QuicCodecBuilder<B>> B settings(B builder, TransportConfig config) {
    return builder.maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .initialMaxData(config.initialMaxData())
        .initialMaxStreamDataBidirectionalLocal(config.initialMaxStreamData())
        .initialMaxStreamDataBidirectionalRemote(config.initialMaxStreamData())
        .initialMaxStreamDataUnidirectional(config.initialMaxStreamData())
        .initialMaxStreamsBidirectional(config.maxStreams())
        .initialMaxStreamsUnidirectional(16)
        .maxSendUdpPayloadSize(config.datagramCeiling())
        .maxRecvUdpPayloadSize(config.maxRecvUdpPayload())
        .discoverPmtu(config.pathMtuDiscovery())
        .congestionControlAlgorithm(QuicCongestionControlAlgorithm.CUBIC)
        .localConnectionIdLength(20)
        .activeMigration(true);
  }

  String describe() {
    return "bare Netty QUIC, barrel's codec settings, " + (gso != null ? "gso" : "no gso")
        + (retry ? ", Retry" : ", no Retry") + ", handlers on the event loop";
  }

  int serverConnections() {
    return serverConnections.get();
  }

  /** Connects; completes when the QUIC (TLS 1.3) handshake is done on the client. */
  CompletableFuture<QuicChannel> connect() {
    CompletableFuture<QuicChannel> result = new CompletableFuture<>();
    QuicChannelBootstrap b = QuicChannel.newBootstrap(clientSocket)
        .handler(new ChannelInboundHandlerAdapter())
        .remoteAddress(serverAddress);
    if (gso != null) {
      b.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, gso);
    }
    b.connect().addListener(f -> {
      if (f.isSuccess()) {
        result.complete((QuicChannel) f.getNow());
      } else {
        result.completeExceptionally(f.cause());
      }
    });
    return result;
  }

  /** Opens a bidirectional stream with {@code handler} and a 512 KiB / 1 MiB write water mark. */
  static CompletableFuture<QuicStreamChannel> openStream(QuicChannel quic, ChannelHandler handler) {
    CompletableFuture<QuicStreamChannel> result = new CompletableFuture<>();
    quic.newStreamBootstrap()
        .type(QuicStreamType.BIDIRECTIONAL)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
        .handler(handler)
        .create()
        .addListener(f -> {
          if (f.isSuccess()) {
            result.complete((QuicStreamChannel) f.getNow());
          } else {
            result.completeExceptionally(f.cause());
          }
        });
    return result;
  }

  /** Closes {@code quic} and waits until the server has dropped its side. */
  long closeAndWait(QuicChannel quic) {
    long t0 = System.nanoTime();
    quic.close().syncUninterruptibly();
    BarrelNodes.await(() -> serverConnections.get() == 0, "the raw QUIC server to drop the connection");
    return System.nanoTime() - t0;
  }

  @Override
  public void close() {
    clientSocket.close().syncUninterruptibly();
    serverSocket.close().syncUninterruptibly();
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
