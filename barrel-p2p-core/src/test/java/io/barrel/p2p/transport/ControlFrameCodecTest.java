package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ControlFrameCodecTest {

  @Property(tries = 500)
  void framesRoundTripThroughTheBoundedDecoder(
      @ForAll @IntRange(min = 0, max = 65535) int channel, @ForAll @Size(max = 2000) byte[] payload) throws Exception {
    ByteBuf encoded = ControlFrameCodec.encode(ByteBufAllocator.DEFAULT, new ControlFrame(channel, payload), 4096);
    EmbeddedChannel ch = new EmbeddedChannel(decoder(4096));
    // Deliver in two arbitrary pieces: the decoder must reassemble.
    int cut = encoded.readableBytes() / 2;
    ch.writeInbound(encoded.retainedSlice(0, cut));
    ch.writeInbound(encoded.retainedSlice(cut, encoded.readableBytes() - cut));
    encoded.release();
    ByteBuf body = ch.readInbound();
    try {
      assertThat(ControlFrameCodec.decodeBody(body)).isEqualTo(new ControlFrame(channel, payload));
    } finally {
      body.release();
    }
  }

  @org.junit.jupiter.api.Test
  void aDeclaredLengthOverTheLimitFailsBeforeAnyAllocation() {
    EmbeddedChannel ch = new EmbeddedChannel(decoder(1024));
    ByteBuf hostile = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeShort(1);
    assertThatThrownBy(() -> ch.writeInbound(hostile)).isInstanceOf(TooLongFrameException.class);
  }

  @org.junit.jupiter.api.Test
  void aBodyWithoutAChannelIsMalformed() {
    assertThatThrownBy(() -> ControlFrameCodec.decodeBody(Unpooled.wrappedBuffer(new byte[] {1})))
        .isInstanceOf(ControlFrameCodec.MalformedFrameException.class);
  }

  @org.junit.jupiter.api.Test
  void encodingRefusesAPayloadOverTheLimit() {
    assertThatThrownBy(() -> ControlFrameCodec.encode(ByteBufAllocator.DEFAULT, new ControlFrame(1, new byte[11]), 10))
        .isInstanceOf(FrameTooLargeException.class);
  }

  private static LengthFieldBasedFrameDecoder decoder(int max) {
    return new LengthFieldBasedFrameDecoder(max + ControlFrameCodec.CHANNEL_BYTES, 0,
        ControlFrameCodec.LENGTH_BYTES, 0, ControlFrameCodec.LENGTH_BYTES, true);
  }
}
