package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How QUIC's batches become UDP segmentation-offload sends: never more than one IP packet's length
 * per send, whatever size path MTU discovery has reached, nothing lost, nothing reordered.
 */
class GsoSegmentsTest {

  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 4433);

  @Test
  void sixteenSegmentsOfInternetSizedDatagrams() {
    assertThat(SegmentedSends.segmentsPerSend(1200)).isEqualTo(16);
    assertThat(SegmentedSends.segmentsPerSend(1350)).isEqualTo(16);
    assertThat(SegmentedSends.segmentsPerSend(1472)).isEqualTo(16);
  }

  @Test
  void largerDatagramsGetFewerSegmentsSoASendStaysWithinOneIpPacket() {
    for (int payload = 1200; payload <= 65527; payload += 97) {
      int segments = SegmentedSends.segmentsPerSend(payload);
      assertThat(segments).as("payload %d", payload).isBetween(1, 16);
      if (segments > 1) {
        assertThat((long) segments * payload).as("bytes of one send, payload %d", payload)
            .isLessThanOrEqualTo(65_507);
      }
    }
    assertThat(SegmentedSends.segmentsPerSend(8952)).as("jumbo frames").isEqualTo(7);
    assertThat(SegmentedSends.segmentsPerSend(16000)).isEqualTo(4);
    assertThat(SegmentedSends.segmentsPerSend(32754)).as("one datagram per send").isEqualTo(1);
  }

  @Test
  void aBatchOfSmallDatagramsIsOneSend() {
    EmbeddedChannel socket = new EmbeddedChannel();
    SegmentedSends sends = new SegmentedSends(() -> socket);

    DatagramPacket packet = sends.newPacket(batch(16, 1350, 1350), 1350, PEER);

    assertThat(packet).isInstanceOf(SegmentedDatagramPacket.class);
    assertThat(((SegmentedDatagramPacket) packet).segmentSize()).isEqualTo(1350);
    assertThat(packet.content().readableBytes()).isEqualTo(16 * 1350);
    assertThat((Object) socket.readOutbound()).as("nothing written ahead").isNull();
    packet.release();
  }

  @Test
  void aBatchOfLargeDatagramsIsCutIntoSendsThatEachFitOneIpPacketInOrder() {
    EmbeddedChannel socket = new EmbeddedChannel();
    SegmentedSends sends = new SegmentedSends(() -> socket);
    // 16 datagrams of 16,000 bytes (the codec batched them when they were small), the last shorter.
    ByteBuf batch = batch(16, 16_000, 9_000);
    int total = batch.readableBytes();

    DatagramPacket last = sends.newPacket(batch, 16_000, PEER);
    socket.flushOutbound();

    List<DatagramPacket> all = new ArrayList<>();
    for (Object o; (o = socket.readOutbound()) != null; ) {
      all.add((DatagramPacket) o);
    }
    all.add(last);
    assertThat(all).hasSize(4);
    int expectedFirstByte = 0;
    int bytes = 0;
    for (DatagramPacket p : all) {
      assertThat(p.content().readableBytes()).isLessThanOrEqualTo(65_507);
      assertThat(p.recipient()).isEqualTo(PEER);
      // Each datagram starts with its index: order and completeness in one check.
      for (int at = p.content().readerIndex(); at < p.content().writerIndex(); at += 16_000) {
        assertThat(p.content().getByte(at)).isEqualTo((byte) expectedFirstByte++);
      }
      bytes += p.content().readableBytes();
    }
    assertThat(expectedFirstByte).isEqualTo(16);
    assertThat(bytes).isEqualTo(total);
    assertThat(all.get(0)).isInstanceOf(SegmentedDatagramPacket.class);
    all.forEach(DatagramPacket::release);
    assertThat(batch.refCnt()).as("every slice released").isZero();
  }

  @Test
  void aBatchOfDatagramsTooLargeToShareASendGoesOutOneByOne() {
    EmbeddedChannel socket = new EmbeddedChannel();
    SegmentedSends sends = new SegmentedSends(() -> socket);

    DatagramPacket last = sends.newPacket(batch(3, 40_000, 40_000), 40_000, PEER);
    socket.flushOutbound();

    DatagramPacket first = socket.readOutbound();
    DatagramPacket second = socket.readOutbound();
    assertThat((Object) socket.readOutbound()).isNull();
    for (DatagramPacket p : List.of(first, second, last)) {
      assertThat(p).isNotInstanceOf(SegmentedDatagramPacket.class);
      assertThat(p.content().readableBytes()).isEqualTo(40_000);
    }
    assertThat(first.content().getByte(first.content().readerIndex())).isEqualTo((byte) 0);
    assertThat(last.content().getByte(last.content().readerIndex())).isEqualTo((byte) 2);
    first.release();
    second.release();
    last.release();
  }

  /** {@code count} datagrams of {@code size} bytes, the last {@code lastSize}, each starting with its index. */
  private static ByteBuf batch(int count, int size, int lastSize) {
    ByteBuf[] parts = new ByteBuf[count];
    for (int i = 0; i < count; i++) {
      byte[] datagram = new byte[i == count - 1 ? lastSize : size];
      datagram[0] = (byte) i;
      parts[i] = Unpooled.wrappedBuffer(datagram);
    }
    return Unpooled.wrappedBuffer(parts);
  }
}
