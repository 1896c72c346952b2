package io.barrel.p2p.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes and decodes {@link ControlFrame}s (layout in its Javadoc). The length prefix is handled by
 * a bounded length-field decoder in front of {@link #decodeBody}; this class never trusts a length
 * it has not checked against the configured maximum.
 */
final class ControlFrameCodec {

  /** Bytes of the length prefix. */
  static final int LENGTH_BYTES = 4;
  /** Bytes of the channel field. */
  static final int CHANNEL_BYTES = 2;

  private ControlFrameCodec() {}

  /** Writes a whole frame, length prefix included. */
  static ByteBuf encode(ByteBufAllocator alloc, ControlFrame frame, int maxPayload) {
    if (frame.payload().length > maxPayload) {
      throw new FrameTooLargeException("control frame on channel " + frame.channel() + " is "
          + frame.payload().length + " bytes; the limit (transport.max-control-frame) is " + maxPayload);
    }
    ByteBuf buf = alloc.buffer(LENGTH_BYTES + CHANNEL_BYTES + frame.payload().length);
    buf.writeInt(CHANNEL_BYTES + frame.payload().length);
    buf.writeShort(frame.channel());
    buf.writeBytes(frame.payload());
    return buf;
  }

  /** Decodes a frame body (length prefix already stripped and bounded). */
  static ControlFrame decodeBody(ByteBuf body) throws MalformedFrameException {
    if (body.readableBytes() < CHANNEL_BYTES) {
      throw new MalformedFrameException("control frame of " + body.readableBytes() + " bytes has no channel field");
    }
    int channel = body.readUnsignedShort();
    byte[] payload = new byte[body.readableBytes()];
    body.readBytes(payload);
    return new ControlFrame(channel, payload);
  }

  /** Raised for a frame that cannot be decoded; ends the stream it came on. */
  static final class MalformedFrameException extends Exception {
    MalformedFrameException(String message) {
      super(message);
    }
  }
}
