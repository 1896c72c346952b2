package io.barrel.p2p.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * Turns the QUIC codec's batches of equal-sized datagrams into UDP segmentation-offload (GSO) sends
 * that each fit one IP packet's 16-bit length, which the kernel requires of a whole send.
 *
 * <p>The codec asks how many datagrams a batch may hold before it knows their size, and with path
 * MTU discovery the size of a connection's datagrams grows while it runs (from 1200 bytes to the
 * path's largest). A fixed count sized for the largest datagram would give small ones few segments
 * each; sized for small ones, a batch of large datagrams would exceed the limit and the kernel would
 * refuse it whole. So batches may hold up to {@value #MAX_SEGMENTS} datagrams, and a batch longer
 * than one send allows is cut here: the leading parts are written to the socket ahead of the part
 * handed back, in order, on the socket's event loop, and flushed with it.
 */
final class SegmentedSends implements SegmentedDatagramPacketAllocator {

  /** Datagrams one batch may hold (the kernel allows 64). */
  static final int MAX_SEGMENTS = 16;

  /** Largest UDP payload of one send: 65,535 less the IPv4 and UDP headers. */
  static final int MAX_SEND_BYTES = 65_507;

  private final Supplier<Channel> socket;

  /** @param socket the UDP channel the codec writes to, looked up when a batch must be cut */
  SegmentedSends(Supplier<Channel> socket) {
    this.socket = socket;
  }

  @Override
  public int maxNumSegments() {
    return MAX_SEGMENTS;
  }

  @Override
  public DatagramPacket newPacket(ByteBuf buffer, int segmentSize, InetSocketAddress remote) {
    int perSend = segmentsPerSend(segmentSize) * segmentSize;
    if (buffer.readableBytes() > perSend) {
      Channel out = socket.get();
      while (buffer.readableBytes() > perSend) {
        out.write(packet(buffer.readRetainedSlice(perSend), segmentSize, remote), out.voidPromise());
      }
    }
    return packet(buffer, segmentSize, remote);
  }

  /** Datagrams of {@code size} bytes that one send can carry: at least one, at most the batch limit. */
  static int segmentsPerSend(int size) {
    return Math.max(1, Math.min(MAX_SEGMENTS, MAX_SEND_BYTES / size));
  }

  private static DatagramPacket packet(ByteBuf content, int segmentSize, InetSocketAddress remote) {
    return content.readableBytes() > segmentSize
        ? new SegmentedDatagramPacket(content, segmentSize, remote)
        : new DatagramPacket(content, remote);
  }
}
