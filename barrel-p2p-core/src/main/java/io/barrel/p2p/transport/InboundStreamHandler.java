package io.barrel.p2p.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicStreamChannel;

/**
 * First handler on every stream the peer opens: reads the stream header (bounded), then decides by
 * the connection's phase what the stream may be. Before authentication only the one handshake
 * stream is allowed, and anything else closes the connection as a protocol error; afterwards the
 * control stream (from the dialer, once), data streams and tagged application streams are.
 */
final class InboundStreamHandler extends ChannelInboundHandlerAdapter {

  private final Transport transport;
  private final byte[] headerBytes = new byte[StreamHeaderCodec.MAX_HEADER_LENGTH];
  private int headerLength;
  private PeerConnection connection;
  private boolean reserved;

  InboundStreamHandler(Transport transport) {
    this.transport = transport;
  }

  /** Sharable initializer that installs a fresh reader on every inbound stream. */
  static ChannelHandler initializer(Transport transport) {
    return new io.netty.channel.ChannelInitializer<QuicStreamChannel>() {
      @Override
      protected void initChannel(QuicStreamChannel ch) {
        ch.pipeline().addLast("header", new InboundStreamHandler(transport));
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
    connection = stream.parent().attr(PeerConnection.KEY).get();
    if (connection == null) {
      stream.close();
      return;
    }
    if (!stream.isLocalCreated()) {
      reserved = connection.reservePendingHeader(transport.config().maxPendingStreams());
      if (!reserved) {
        transport.inboundStreams().refuse(stream, "too_many_pending");
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!reserved) {
      buf.release();
      return;
    }
    try {
      int take = Math.min(buf.readableBytes(), headerBytes.length - headerLength);
      buf.getBytes(buf.readerIndex(), headerBytes, headerLength, take);
      int before = headerLength;
      headerLength += take;
      StreamHeaderCodec.Progress progress = StreamHeaderCodec.decode(headerBytes, 0, headerLength);
      if (!(progress instanceof StreamHeaderCodec.Complete decoded)) {
        buf.skipBytes(take);
        if (headerLength == headerBytes.length) {
          throw new StreamHeaderException(StreamHeaderException.Problem.INVALID_TAG, "stream header too long");
        }
        return; // need more
      }
      buf.skipBytes(decoded.consumed() - before);
      release();
      QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
      ctx.pipeline().remove(this);
      transport.inboundStreams().route(connection, stream, decoded.header(), buf.isReadable() ? buf.retain() : null);
    } catch (StreamHeaderException e) {
      release();
      transport.protocolFailure(connection, "stream_header", e.getMessage());
    } finally {
      buf.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    release();
    ctx.close();
  }

  private void release() {
    if (reserved) {
      reserved = false;
      connection.releasePendingHeader();
    }
  }
}
