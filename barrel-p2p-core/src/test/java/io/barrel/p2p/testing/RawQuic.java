package io.barrel.p2p.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;

/**
 * A bare QUIC client for adversarial tests: it speaks whatever bytes a test tells it to, with none
 * of the node's rules, so tests can check how a node treats a misbehaving peer.
 */
public final class RawQuic implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel socket;
  private final QuicChannel quic;
  private final CompletableFuture<Integer> applicationCloseCode = new CompletableFuture<>();

  private RawQuic(InetSocketAddress target) throws Exception {
    X509TrustManager any = new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
      @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    };
    ChannelHandler codec = limits(new QuicClientCodecBuilder())
        .sslContext(QuicSslContextBuilder.forClient().trustManager(any).endpointIdentificationAlgorithm(null).applicationProtocols("barrel-p2p/1").build())
        .build();
    socket = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    quic = QuicChannel.newBootstrap(socket)
        .handler(new ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof QuicConnectionCloseEvent e && e.isApplicationClose()) {
              applicationCloseCode.complete(e.error());
            }
            ctx.fireUserEventTriggered(evt);
          }
        })
        .streamHandler(new ChannelInboundHandlerAdapter())
        .remoteAddress(target)
        .connect().get(10, TimeUnit.SECONDS);
  }

  /** Sets every quiche limit (they default to zero). */
  public static <B extends QuicCodecBuilder<B>> B limits(B b) {
    return b.maxIdleTimeout(30, TimeUnit.SECONDS)
        .initialMaxData(8 << 20)
        .initialMaxStreamDataBidirectionalLocal(1 << 20)
        .initialMaxStreamDataBidirectionalRemote(1 << 20)
        .initialMaxStreamDataUnidirectional(1 << 20)
        .initialMaxStreamsBidirectional(100)
        .initialMaxStreamsUnidirectional(100);
  }

  /** Connects (QUIC + TLS only; no barrel handshake). */
  public static RawQuic connect(InetSocketAddress target) throws Exception {
    return new RawQuic(target);
  }

  public QuicChannel channel() {
    return quic;
  }

  /** The certificate the server presented. */
  public X509Certificate serverCertificate() throws Exception {
    return (X509Certificate) quic.sslEngine().getSession().getPeerCertificates()[0];
  }

  /** Opens a bidirectional stream, writes {@code bytes}; what comes back lands in the returned stream's queue. */
  public RawStream openStream(byte[] bytes) throws Exception {
    BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    QuicStreamChannel s = quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        received.add(out);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        closed.complete(null);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    }).get(5, TimeUnit.SECONDS);
    s.writeAndFlush(Unpooled.wrappedBuffer(bytes)).sync();
    return new RawStream(s, received, closed);
  }

  /** Completes with the application error code when the peer closes the connection. */
  public CompletableFuture<Integer> applicationCloseCode() {
    return applicationCloseCode;
  }

  public boolean isOpen() {
    return quic.isActive();
  }

  @Override
  public void close() {
    quic.close();
    socket.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** A raw stream: write more, read what arrived. */
  public record RawStream(QuicStreamChannel channel, BlockingQueue<byte[]> received, CompletableFuture<Void> closed) {
    public void write(byte[] bytes) throws InterruptedException {
      channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).sync();
    }
  }
}
