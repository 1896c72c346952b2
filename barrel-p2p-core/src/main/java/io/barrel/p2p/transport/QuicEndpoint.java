package io.barrel.p2p.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelBootstrap;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one UDP socket, serving inbound and outbound QUIC connections at once (see {@link
 * SocketRouter}), on one event-loop thread. It knows nothing of identity or peers: it accepts, dials
 * and hands every QUIC connection to the handlers it was given.
 */
final class QuicEndpoint implements AutoCloseable {

  /** ALPN protocol id; a peer speaking anything else fails the TLS handshake. */
  static final String ALPN = "barrel-p2p/1";

  private final TransportConfig config;
  private final Supplier<QuicSslContext> serverContext;
  private final ChannelHandler inboundConnectionHandler;
  private final ChannelHandler streamHandler;
  private final RetryTokens retryTokens;
  private final SocketRouter router = new SocketRouter();
  private final SecureRandom random = new SecureRandom();
  private final boolean epoll;
  private final LoopThread loopThread = new LoopThread();
  private EventLoopGroup group;
  // Volatile: set by bind() on the caller's thread, read by SegmentedSends on the event loop.
  private volatile Channel socket;
  private QuicSslContext clientContext;
  private SegmentedDatagramPacketAllocator gso;

  /** Datagrams read per socket wake-up before other channels get their turn (Netty's UDP default). */
  private static final int DATAGRAMS_PER_READ = 16;

  /** How long close() waits for the socket to close; the event loop then gets two seconds more to stop. */
  private static final int CLOSE_WAIT_SECONDS = 5;

  private static final Logger log = LoggerFactory.getLogger(QuicEndpoint.class);

  /**
   * @param serverContext consulted for every inbound connection, so a rotated certificate is used by
   *     the next connection without a restart
   * @param inboundConnectionHandler sharable handler installed on every accepted QUIC connection
   * @param streamHandler sharable handler installed on every stream the remote side opens
   * @param retryTokens decides when a new client must pass a Retry, and mints and checks its token
   */
  QuicEndpoint(TransportConfig config, Supplier<QuicSslContext> serverContext,
      ChannelHandler inboundConnectionHandler, ChannelHandler streamHandler, RetryTokens retryTokens) {
    this.config = config;
    this.serverContext = serverContext;
    this.inboundConnectionHandler = inboundConnectionHandler;
    this.streamHandler = streamHandler;
    this.retryTokens = retryTokens;
    this.epoll = Epoll.isAvailable();
  }

  /** Binds the socket; returns the bound address. */
  InetSocketAddress bind() throws InterruptedException {
    Quic.ensureAvailability();
    group = new MultiThreadIoEventLoopGroup(1, loopThread,
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    clientContext = QuicSslContextBuilder.forClient()
        .trustManager(AnyCertificateTrustManager.INSTANCE)
        // Host names mean nothing here: certificates are self-signed, identity is the handshake's.
        .endpointIdentificationAlgorithm(null)
        .applicationProtocols(ALPN)
        .build();
    if (config.gso() && epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
      gso = new SegmentedSends(() -> socket);
    }
    QuicServerCodecBuilder serverBuilder = settings(new QuicServerCodecBuilder());
    if (gso != null) {
      // A QuicChannel option: set on the UDP bootstrap it would be silently ignored.
      serverBuilder.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, gso);
    }
    ChannelHandler serverCodec = serverBuilder
        // A provider, not a fixed context (sslContext() would replace the provider): each inbound
        // connection takes the current certificate, so rotation needs no restart.
        .sslEngineProvider(q -> serverContext.get().newEngine(q.alloc()))
        .tokenHandler(retryTokens)
        .handler(inboundConnectionHandler)
        .streamHandler(streamHandler)
        .build();
    ChannelHandler clientCodec = settings(new QuicClientCodecBuilder()).sslContext(clientContext).build();
    ChannelHandler clientCodecMarker = new ChannelInboundHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        router.clientCodecContext(ctx);
      }
    };
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, config.socketBufferBytes())
        .option(ChannelOption.SO_SNDBUF, config.socketBufferBytes())
        // Room for the largest datagram this node advertises (max_udp_payload_size): the channel's
        // default 2 KiB buffer would truncate a peer's larger packets, and QUIC would drop them. A
        // new allocator reads one datagram per wake-up unless told otherwise (the channel's default
        // is 16); one per wake-up cut bulk throughput by two thirds.
        .option(ChannelOption.RCVBUF_ALLOCATOR,
            new FixedRecvByteBufAllocator(config.maxRecvUdpPayload()).maxMessagesPerRead(DATAGRAMS_PER_READ))
        .handler(new io.netty.channel.ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            // Order matters: outbound connect() must reach the client codec first (tail side);
            // the server codec rejects it.
            ch.pipeline().addLast("router", router);
            ch.pipeline().addLast("server", serverCodec);
            ch.pipeline().addLast("client-marker", clientCodecMarker);
            ch.pipeline().addLast("client", clientCodec);
          }
        });
    socket = bootstrap.bind(new InetSocketAddress(config.bindHost(), config.port())).sync().channel();
    return (InetSocketAddress) socket.localAddress();
  }

  /**
   * Starts a QUIC connection to {@code remote}; the future completes when the QUIC (TLS) handshake
   * has finished, or fails (and the connection is closed) if that takes longer than {@code
   * transport.connect-timeout}.
   */
  Future<QuicChannel> dial(InetSocketAddress remote, ChannelHandler connectionHandler) {
    byte[] scid = new byte[SocketRouter.CID_LENGTH];
    random.nextBytes(scid);
    router.addClientConnectionId(scid);
    QuicChannelBootstrap bootstrap = QuicChannel.newBootstrap(socket)
        .handler(connectionHandler)
        .streamHandler(streamHandler)
        .localConnectionAddress(new QuicConnectionAddress(scid))
        .remoteAddress(remote)
        // Without it a dial to a silent address retransmits its Initial packets until the
        // authentication deadline closes it (or Netty's default 30 s), whatever connect-timeout says.
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
    if (gso != null) {
      bootstrap.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, gso);
    }
    Future<QuicChannel> future = bootstrap.connect();
    future.addListener(f -> {
      if (!f.isSuccess()) {
        router.removeClientConnectionId(scid);
      } else {
        ((QuicChannel) f.getNow()).closeFuture().addListener(c -> router.removeClientConnectionId(scid));
      }
    });
    return future;
  }

  /** The event loop every connection and stream of this endpoint runs on. */
  EventLoop eventLoop() {
    return socket.eventLoop();
  }

  /** Outbound connections currently routed by connection id. */
  int routedClientConnections() {
    return router.clientConnectionCount();
  }

  /** True when the socket runs on epoll (Linux) rather than NIO. */
  boolean usesEpoll() {
    return epoll;
  }

  /** True when UDP segmentation offload is in use. */
  boolean usesGso() {
    return gso != null;
  }

  private <B extends QuicCodecBuilder<B>> B settings(B builder) {
    // Every limit explicitly: quiche's defaults are 0 (nothing can be sent) and an infinite idle timeout.
    builder.maxIdleTimeout(config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .initialMaxData(config.initialMaxData())
        .initialMaxStreamDataBidirectionalLocal(config.initialMaxStreamData())
        .initialMaxStreamDataBidirectionalRemote(config.initialMaxStreamData())
        .initialMaxStreamDataUnidirectional(config.initialMaxStreamData())
        .initialMaxStreamsBidirectional(config.maxStreams())
        .initialMaxStreamsUnidirectional(16)
        .maxSendUdpPayloadSize(config.datagramCeiling())
        .maxRecvUdpPayloadSize(config.maxRecvUdpPayload())
        .congestionControlAlgorithm(QuicCongestionControlAlgorithm.CUBIC)
        .localConnectionIdLength(SocketRouter.CID_LENGTH)
        .activeMigration(true)
        .discoverPmtu(config.pathMtuDiscovery());
    return builder;
  }

  /**
   * Closes the socket and stops the event loop, waiting at most {@link #CLOSE_WAIT_SECONDS} for the
   * socket and, once it closed, two seconds more for the loop. Both need the loop's thread: if it is
   * stuck (a handler that never returns, a native call that spins), an unbounded wait would hang
   * the caller, and with it a node's halt() or stop(), forever. Past the bound the loop's thread is
   * left behind (it is a daemon) and where it is stuck is logged, which is the one clue to what
   * held it.
   */
  @Override
  public void close() {
    if (socket != null && !socket.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
      log.warn("the UDP socket {} did not close within {} s: its event loop is stuck, so this node stops "
          + "without waiting for it{}", socket.localAddress(), CLOSE_WAIT_SECONDS, loopThread.whereStuck());
      if (group != null) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS); // the socket closes if the loop ever comes back
      }
      return;
    }
    if (group != null && !group.shutdownGracefully(0, 2, TimeUnit.SECONDS)
        .awaitUninterruptibly(CLOSE_WAIT_SECONDS + 2, TimeUnit.SECONDS)) {
      log.warn("the QUIC event loop did not stop within {} s; leaving its thread behind{}", CLOSE_WAIT_SECONDS + 2,
          loopThread.whereStuck());
    }
  }

  /** The thread factory of the endpoint's event loop, which remembers the thread it made. */
  private static final class LoopThread extends DefaultThreadFactory {
    private volatile Thread thread;

    LoopThread() {
      super("barrel-p2p-quic", true);
    }

    @Override
    protected Thread newThread(Runnable r, String name) {
      Thread t = super.newThread(r, name);
      thread = t;
      return t;
    }

    /** The loop thread's name and current stack, for a log line; empty if it never started. */
    String whereStuck() {
      Thread t = thread;
      if (t == null) {
        return "";
      }
      StringBuilder out = new StringBuilder(": thread ").append(t.getName()).append(" (").append(t.getState())
          .append(')');
      for (StackTraceElement frame : t.getStackTrace()) {
        out.append(System.lineSeparator()).append("\tat ").append(frame);
      }
      return out.toString();
    }
  }
}
