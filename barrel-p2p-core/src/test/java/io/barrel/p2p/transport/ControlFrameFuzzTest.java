package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Fuzzes the control stream's inbound path exactly as a connection installs it (the bounded length
 * decoder, then {@link ControlFrameCodec#decodeBody}): for any bytes, frames come out that re-encode
 * to the same bytes, or a decoder error that closes the connection. Nothing else escapes.
 */
class ControlFrameFuzzTest {

  private static final int MAX = 1024;

  @FuzzTest
  void controlStreamBytes(byte[] input) {
    EmbeddedChannel ch = new EmbeddedChannel(new LengthFieldBasedFrameDecoder(MAX + ControlFrameCodec.CHANNEL_BYTES,
        0, ControlFrameCodec.LENGTH_BYTES, 0, ControlFrameCodec.LENGTH_BYTES, true));
    ByteBuf reencoded = Unpooled.buffer();
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(input));
    } catch (DecoderException expected) {
      return; // oversized or corrupt length: the connection would be closed
    }
    ByteBuf body;
    while ((body = ch.readInbound()) != null) {
      try {
        ControlFrame frame = ControlFrameCodec.decodeBody(body);
        ByteBuf out = ControlFrameCodec.encode(ByteBufAllocator.DEFAULT, frame, MAX);
        reencoded.writeBytes(out);
        out.release();
      } catch (ControlFrameCodec.MalformedFrameException expected) {
        return;
      } finally {
        body.release();
      }
    }
    byte[] consumed = new byte[reencoded.readableBytes()];
    reencoded.readBytes(consumed);
    assertThat(consumed).isEqualTo(java.util.Arrays.copyOf(input, consumed.length));
    ch.finishAndReleaseAll();
  }
}
