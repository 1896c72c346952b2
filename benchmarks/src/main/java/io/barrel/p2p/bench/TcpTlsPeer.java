package io.barrel.p2p.bench;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.tls.SelfSignedCertificate;
import io.barrel.p2p.tls.TlsMaterial;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The peer every transport benchmark is compared with: Netty TCP with TLS 1.3 from BoringSSL
 * (netty-tcnative), a self-signed ECDSA P-256 certificate made exactly as a barrel node makes its
 * QUIC one, no application-level authentication, and no session resumption (handlers are made
 * without a peer host/port, so the client session cache is never consulted; barrel's QUIC client
 * does not resume either). One server event-loop thread, as a barrel node has one.
 */
final class TcpTlsPeer implements AutoCloseable {

  private final EventLoopGroup serverGroup;
  private final EventLoopGroup clientGroup;
  private final SslContext serverContext;
  private final SslContext clientContext;
  private final boolean epoll = Epoll.isAvailable();
  private final AtomicInteger serverConnections = new AtomicInteger();
  private final Channel serverChannel;
  private final InetSocketAddress address;

  /**
   * @param clientThreads event-loop threads of the dialing side
   * @param serverHandler makes the application handler of each accepted connection
   */
  TcpTlsPeer(int clientThreads, Supplier<ChannelHandler> serverHandler) throws Exception {
    OpenSsl.ensureAvailability();
    TlsMaterial tls = SelfSignedCertificate.generate(NodeName.of("tcp-peer@127.0.0.1"), Clock.systemUTC());
    serverContext = SslContextBuilder.forServer(tls.privateKey(), tls.certificate())
        .sslProvider(SslProvider.OPENSSL)
        .protocols("TLSv1.3")
        .build();
    clientContext = SslContextBuilder.forClient()
        .sslProvider(SslProvider.OPENSSL)
        .protocols("TLSv1.3")
        // Benchmark peer on loopback only, never shipped: it measures the transport, not identity.
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .endpointIdentificationAlgorithm(null)
        .build();
    serverGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tcp-server", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    clientGroup = new MultiThreadIoEventLoopGroup(clientThreads, new DefaultThreadFactory("tcp-client", true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    serverChannel = new ServerBootstrap()
        .group(serverGroup)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            serverConnections.incrementAndGet();
            ch.closeFuture().addListener(f -> serverConnections.decrementAndGet());
            ch.pipeline().addLast(serverContext.newHandler(ch.alloc()));
            ch.pipeline().addLast(serverHandler.get());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    address = (InetSocketAddress) serverChannel.localAddress();
  }

  /** "epoll" or "nio", and the TLS library. */
  String describe() {
    return "Netty TCP (" + (epoll ? "epoll" : "nio") + ") + TLS 1.3, " + OpenSsl.versionString() + ", P-256 cert";
  }

  /** Connections the server side holds open. */
  int serverConnections() {
    return serverConnections.get();
  }

  /**
   * Connects and runs the TLS handshake; completes with the channel once the client side has
   * finished it. {@code handler} is added after the TLS handler.
   */
  CompletableFuture<Channel> connect(ChannelHandler handler) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    new Bootstrap()
        .group(clientGroup)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SslHandler ssl = clientContext.newHandler(ch.alloc());
            ch.pipeline().addLast(ssl);
            ch.pipeline().addLast(handler);
            ssl.handshakeFuture().addListener(f -> {
              if (f.isSuccess()) {
                result.complete(ch);
              } else {
                result.completeExceptionally(f.cause());
                ch.close();
              }
            });
          }
        })
        .connect(address)
        .addListener(f -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(f.cause());
          }
        });
    return result;
  }

  /** Closes {@code ch} and waits until the server has closed its side too. */
  long closeAndWait(Channel ch) {
    long t0 = System.nanoTime();
    ch.close().syncUninterruptibly();
    BarrelNodes.await(() -> serverConnections.get() == 0, "the TCP server to close its side");
    return System.nanoTime() - t0;
  }

  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
