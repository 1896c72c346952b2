package io.barrel.p2p.testing;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.tls.SelfSignedCertificate;
import io.barrel.p2p.tls.TlsMaterial;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.X509TrustManager;

/**
 * A man in the middle: terminates QUIC/TLS from the victim with its own self-signed certificate,
 * opens its own QUIC connection to the real node, and copies the bytes of every stream the victim
 * opens to a stream of its own, both ways. It sees and forwards every handshake byte unchanged; only
 * the certificates differ, which is exactly what channel binding must catch.
 */
public final class TlsTerminatingRelay implements AutoCloseable {

  private static final AttributeKey<Future<QuicChannel>> UPSTREAM = AttributeKey.valueOf("upstream");

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel serverSocket;
  private final Channel clientSocket;
  private final AtomicInteger forwardedBytes = new AtomicInteger();

  public TlsTerminatingRelay(InetSocketAddress target) throws Exception {
    TlsMaterial own = SelfSignedCertificate.generate(NodeName.of("mallory@127.0.0.1"), Clock.systemUTC());
    X509TrustManager any = new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
      @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    };
    clientSocket = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(RawQuic.limits(new QuicClientCodecBuilder())
            .sslContext(QuicSslContextBuilder.forClient().trustManager(any).endpointIdentificationAlgorithm(null).applicationProtocols("barrel-p2p/1").build())
            .build())
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    var serverCodec = RawQuic.limits(new QuicServerCodecBuilder())
        .sslContext(QuicSslContextBuilder.forServer(own.privateKey(), null, own.certificate())
            .applicationProtocols("barrel-p2p/1").build())
        .tokenHandler(null)
        .handler(new ChannelInitializer<QuicChannel>() {
          @Override
          protected void initChannel(QuicChannel victim) {
            victim.attr(UPSTREAM).set(QuicChannel.newBootstrap(clientSocket)
                .handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInboundHandlerAdapter())
                .remoteAddress(target)
                .connect());
          }
        })
        .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
          @Override
          protected void initChannel(QuicStreamChannel victimStream) {
            victimStream.pipeline().addLast(new Forwarder(victimStream));
          }
        })
        .build();
    serverSocket = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(serverCodec)
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  /** Where the victim should be pointed. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.localAddress();
  }

  /** Bytes copied so far, both directions: proves the relay really carried the handshake. */
  public int forwardedBytes() {
    return forwardedBytes.get();
  }

  /** Copies one victim stream to an upstream stream and back, buffering until upstream is ready. */
  private final class Forwarder extends ChannelInboundHandlerAdapter {
    private final QuicStreamChannel victimStream;
    private final List<ByteBuf> early = new ArrayList<>();
    private QuicStreamChannel upstreamStream;

    Forwarder(QuicStreamChannel victimStream) {
      this.victimStream = victimStream;
      victimStream.parent().attr(UPSTREAM).get().addListener(f -> {
        if (!f.isSuccess()) {
          victimStream.close();
          return;
        }
        ((QuicChannel) f.getNow()).createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            forwardedBytes.addAndGet(((ByteBuf) msg).readableBytes());
            victimStream.writeAndFlush(msg);
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            victimStream.close();
          }
        }).addListener(s -> {
          if (!s.isSuccess()) {
            victimStream.close();
            return;
          }
          upstreamStream = (QuicStreamChannel) s.getNow();
          early.forEach(b -> upstreamStream.write(b));
          early.clear();
          upstreamStream.flush();
        });
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      forwardedBytes.addAndGet(buf.readableBytes());
      if (upstreamStream == null) {
        early.add(buf);
      } else {
        upstreamStream.writeAndFlush(buf);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (upstreamStream != null) {
        upstreamStream.close();
      }
    }
  }

  @Override
  public void close() {
    serverSocket.close();
    clientSocket.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
