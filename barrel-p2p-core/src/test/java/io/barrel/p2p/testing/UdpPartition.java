package io.barrel.p2p.testing;

import io.barrel.p2p.NodeName;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A network that can be cut in two: one UDP relay in front of each node, NAT-style (one upstream
 * socket per client address, so replies find their way back). Nodes that reach each other through
 * the relays (point discovery at {@link #addressOf}) lose every datagram across the cut while
 * {@link #split} holds, and talk again after {@link #heal}. QUIC inside is untouched.
 */
public final class UdpPartition implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<InetSocketAddress, NodeName> nodesByAddress = new ConcurrentHashMap<>();
  private final Map<NodeName, Channel> relays = new ConcurrentHashMap<>();
  private final Set<InetSocketAddress> ownAddresses = ConcurrentHashMap.newKeySet();
  private volatile Set<NodeName> side;
  private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

  /** Puts a relay in front of {@code node}, which listens at {@code address}. */
  public void attach(NodeName node, InetSocketAddress address) {
    nodesByAddress.put(address, node);
    Map<InetSocketAddress, ChannelFuture> upstreams = new HashMap<>(); // touched on the one event loop only
    Channel[] listening = new Channel[1];
    listening[0] = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress client = packet.sender();
            if (cut(nodesByAddress.get(client), node)) {
              return;
            }
            ChannelFuture upstream = upstreams.computeIfAbsent(client, c -> openUpstream(node, listening[0], c));
            DatagramPacket out = new DatagramPacket(packet.content().retain(), address);
            upstream.addListener(f -> {
              if (f.isSuccess()) {
                upstream.channel().writeAndFlush(out);
              } else {
                out.release();
              }
            });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    relays.put(node, listening[0]);
    ownAddresses.add((InetSocketAddress) listening[0].localAddress());
  }

  private ChannelFuture openUpstream(NodeName node, Channel listening, InetSocketAddress client) {
    return new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
            if (!cut(node, nodesByAddress.get(client))) {
              listening.writeAndFlush(new DatagramPacket(reply.content().retain(), client));
            }
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .addListener(f -> {
          if (f.isSuccess()) {
            ownAddresses.add((InetSocketAddress) ((ChannelFuture) f).channel().localAddress());
          }
        });
  }

  /** True when {@code address} is one of the relays' sockets: a connection to or from it is relayed. */
  public boolean relays(InetSocketAddress address) {
    return ownAddresses.contains(address);
  }

  /**
   * Closes every connection of {@code nodes} that does not go through a relay, until none is left
   * (a dial under way while discovery was repointed can still land on a direct address).
   */
  public void rerouteAll(java.util.List<io.barrel.p2p.P2pNode> nodes) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
      boolean allRelayed = true;
      for (io.barrel.p2p.P2pNode n : nodes) {
        for (io.barrel.p2p.transport.ConnectionInfo c : n.transport().connections()) {
          if (!relays(c.remoteAddress())) {
            allRelayed = false;
            n.transport().disconnect(c.peer());
          }
        }
      }
      return allRelayed;
    });
  }

  /** The relay's address for {@code node}: what other nodes should dial. */
  public InetSocketAddress addressOf(NodeName node) {
    return (InetSocketAddress) relays.get(node).localAddress();
  }

  /** Cuts every path between {@code oneSide} and the other attached nodes. */
  public void split(Set<NodeName> oneSide) {
    side = Set.copyOf(oneSide);
  }

  /** Lets every datagram through again. */
  public void heal() {
    side = null;
  }

  /** Datagrams dropped at a cut so far: a test can wait until a dial has met the cut. */
  public long dropped() {
    return dropped.get();
  }

  private boolean cut(NodeName a, NodeName b) {
    Set<NodeName> s = side;
    boolean cut = s != null && a != null && b != null && s.contains(a) != s.contains(b);
    if (cut) {
      dropped.incrementAndGet();
    }
    return cut;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
