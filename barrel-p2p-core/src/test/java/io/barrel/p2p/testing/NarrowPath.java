package io.barrel.p2p.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP path with a smaller MTU than loopback's, put in front of one node: datagrams whose payload
 * exceeds the limit are dropped silently in both directions, as a router does with the
 * don't-fragment bit set when its ICMP "packet too big" never arrives (the case path MTU discovery
 * must survive: RFC 8899). NAT-style, one upstream socket per client, so replies find their way back.
 */
public final class NarrowPath implements AutoCloseable {

  private static final int LARGEST_UDP_PAYLOAD = 65_535;

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final int maxPayload;
  private final Channel listening;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong largestPassed = new AtomicLong();

  /** A path to {@code target} that carries UDP payloads of at most {@code maxPayload} bytes. */
  public NarrowPath(InetSocketAddress target, int maxPayload) {
    this.maxPayload = maxPayload;
    Map<InetSocketAddress, ChannelFuture> upstreams = new HashMap<>(); // the one event loop only
    Channel[] self = new Channel[1];
    self[0] = bootstrap(new SimpleChannelInboundHandler<DatagramPacket>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (!fits(packet)) {
          return;
        }
        InetSocketAddress client = packet.sender();
        ChannelFuture upstream = upstreams.computeIfAbsent(client, c -> openUpstream(self[0], c));
        DatagramPacket out = new DatagramPacket(packet.content().retain(), target);
        upstream.addListener(f -> {
          if (f.isSuccess()) {
            upstream.channel().writeAndFlush(out);
          } else {
            out.release();
          }
        });
      }
    }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    listening = self[0];
  }

  /** The address to dial instead of the node's own. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listening.localAddress();
  }

  /** Datagrams dropped for being larger than the path carries. */
  public long dropped() {
    return dropped.get();
  }

  /** The largest UDP payload carried so far. */
  public long largestPassed() {
    return largestPassed.get();
  }

  private boolean fits(DatagramPacket packet) {
    int size = packet.content().readableBytes();
    if (size > maxPayload) {
      dropped.incrementAndGet();
      return false;
    }
    largestPassed.accumulateAndGet(size, Math::max);
    return true;
  }

  private ChannelFuture openUpstream(Channel back, InetSocketAddress client) {
    return bootstrap(new SimpleChannelInboundHandler<DatagramPacket>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
        if (fits(reply)) {
          back.writeAndFlush(new DatagramPacket(reply.content().retain(), client));
        }
      }
    }).bind(new InetSocketAddress("127.0.0.1", 0));
  }

  private Bootstrap bootstrap(SimpleChannelInboundHandler<DatagramPacket> handler) {
    // Buffers for the largest datagram: Netty's default 2 KiB would truncate what this path is
    // meant to judge; a deep socket buffer so the relay itself loses nothing under a bulk transfer.
    return new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(LARGEST_UDP_PAYLOAD))
        .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
        .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
        .handler(handler);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
