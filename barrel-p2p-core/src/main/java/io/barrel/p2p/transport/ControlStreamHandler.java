package io.barrel.p2p.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Decodes control frames (after the bounded length-field decoder) and hands them to the transport.
 * A malformed or oversized frame is a protocol error: the control stream carries membership state,
 * so the whole connection is closed, counted, and the node carries on.
 */
final class ControlStreamHandler extends ChannelInboundHandlerAdapter {

  private final PeerConnection connection;
  private final Transport transport;

  ControlStreamHandler(PeerConnection connection, Transport transport) {
    this.connection = connection;
    this.transport = transport;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf body)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      ControlFrame frame = ControlFrameCodec.decodeBody(body);
      transport.controlFrameReceived(connection, frame);
    } catch (ControlFrameCodec.MalformedFrameException e) {
      transport.protocolFailure(connection, "control_frame", e.getMessage());
    } finally {
      body.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      transport.protocolFailure(connection, "control_frame",
          "control frame over the limit (transport.max-control-frame): " + cause.getMessage());
    } else {
      transport.protocolFailure(connection, "control_stream", String.valueOf(cause));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Losing the control stream while QUIC is still up means losing the connection's purpose.
    if (connection.channel().isActive()) {
      transport.protocolFailure(connection, "control_stream", "the peer closed the control stream");
    }
    ctx.fireChannelInactive();
  }
}
