package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;

/**
 * The handler on each QUIC connection's own pipeline: creates the {@link PeerConnection}, tells the
 * transport when QUIC is up and when it is gone, and records the close code the peer sent. It
 * forwards every other message, because inbound streams travel through this pipeline and a handler
 * that swallowed them would silently kill them.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {

  private final Transport transport;
  private final PeerConnection.Direction direction;
  private final NodeName expectedPeer;
  private PeerConnection connection;
  private CloseReason peerReason;

  ConnectionHandler(Transport transport, PeerConnection.Direction direction, NodeName expectedPeer) {
    this.transport = transport;
    this.direction = direction;
    this.expectedPeer = expectedPeer;
  }

  PeerConnection connection() {
    return connection;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    connection = new PeerConnection((QuicChannel) ctx.channel(), direction, expectedPeer, transport);
    transport.connectionCreated(connection);
    // The close future, not channelInactive: a QUIC channel that closes before its handshake
    // finished was never active, and Netty fires no channelInactive for it, so a dial to a silent
    // address or an inbound handshake that failed would stay in the transport's books for ever.
    PeerConnection created = connection;
    ctx.channel().closeFuture().addListener(f -> transport.connectionClosed(created, peerReason));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof QuicConnectionCloseEvent close && close.isApplicationClose()) {
      peerReason = CloseReason.fromCode(close.error());
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    transport.connectionError(connection, cause);
  }

  /** Sharable initializer for connections the server codec accepts. */
  static io.netty.channel.ChannelHandler inbound(Transport transport) {
    return new io.netty.channel.ChannelInitializer<QuicChannel>() {
      @Override
      protected void initChannel(QuicChannel ch) {
        ch.pipeline().addLast(new ConnectionHandler(transport, PeerConnection.Direction.INBOUND, null));
      }
    };
  }
}
