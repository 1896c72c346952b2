package io.barrel.p2p.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets one UDP socket serve both QUIC roles. Netty's QUIC codecs are either a server or a client; a
 * node needs both on its single port. The pipeline is {@code [router, serverCodec, clientCodecCtx,
 * clientCodec]}: a datagram whose destination connection id is one this node chose for its own
 * outbound connections goes straight to the client codec; everything else (new inbound connections
 * included) goes to the server codec.
 *
 * <p>Every connection id this node issues, client or server side, is {@link #CID_LENGTH} bytes, so
 * the destination id of a short-header packet can be read without knowing which side issued it.
 */
final class SocketRouter extends ChannelInboundHandlerAdapter {

  /** Length of every connection id this node issues (the QUIC maximum). */
  static final int CID_LENGTH = 20;

  private final Set<ByteBuffer> clientConnectionIds = ConcurrentHashMap.newKeySet();
  private volatile ChannelHandlerContext clientCodecContext;

  /** Called once the pipeline is built: the context just in front of the client codec. */
  void clientCodecContext(ChannelHandlerContext ctx) {
    this.clientCodecContext = ctx;
  }

  /** Remembers an id this node chose as client so replies to it reach the client codec. */
  void addClientConnectionId(byte[] id) {
    clientConnectionIds.add(ByteBuffer.wrap(id.clone()));
  }

  /** Forgets an id once its connection closed. */
  void removeClientConnectionId(byte[] id) {
    clientConnectionIds.remove(ByteBuffer.wrap(id));
  }

  /** Number of outbound connections currently routed (for tests and leak checks). */
  int clientConnectionCount() {
    return clientConnectionIds.size();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ChannelHandlerContext client = clientCodecContext;
    if (client != null && msg instanceof DatagramPacket packet && isForClient(packet.content())) {
      client.fireChannelRead(msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // The QUIC codecs flush their connections on read-complete and do not pass it on, so both
    // must be told: the server codec through the normal path, the client codec directly.
    ctx.fireChannelReadComplete();
    ChannelHandlerContext client = clientCodecContext;
    if (client != null) {
      client.fireChannelReadComplete();
    }
  }

  private boolean isForClient(ByteBuf buf) {
    if (clientConnectionIds.isEmpty() || buf.readableBytes() < 1) {
      return false;
    }
    int start = buf.readerIndex();
    byte first = buf.getByte(start);
    int offset;
    int length;
    if ((first & 0x80) != 0) { // long header: flags(1) version(4) dcid-len(1) dcid
      if (buf.readableBytes() < 6) {
        return false;
      }
      length = buf.getUnsignedByte(start + 5);
      offset = start + 6;
    } else { // short header: flags(1) dcid (length known only to its issuer: ours are fixed)
      length = CID_LENGTH;
      offset = start + 1;
    }
    if (length != CID_LENGTH || buf.writerIndex() < offset + length) {
      return false;
    }
    byte[] id = new byte[length];
    buf.getBytes(offset, id);
    return clientConnectionIds.contains(ByteBuffer.wrap(id));
  }
}
