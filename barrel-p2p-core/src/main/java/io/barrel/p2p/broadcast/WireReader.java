package io.barrel.p2p.broadcast;

import java.util.Arrays;

/** A cursor over one received message that turns every overrun into a {@link BroadcastDecodeException}. */
final class WireReader {

  private final byte[] bytes;
  private int at;

  WireReader(byte[] bytes) {
    this.bytes = bytes;
  }

  int remaining() {
    return bytes.length - at;
  }

  int u8() throws BroadcastDecodeException {
    need(1, "a byte");
    return bytes[at++] & 0xff;
  }

  int u16() throws BroadcastDecodeException {
    need(2, "a 16-bit field");
    int value = ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
    at += 2;
    return value;
  }

  long u32() throws BroadcastDecodeException {
    need(4, "a 32-bit length");
    long value = ((long) (bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    at += 4;
    return value;
  }

  long u64() throws BroadcastDecodeException {
    need(8, "a 64-bit field");
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[at + i] & 0xff);
    }
    at += 8;
    return value;
  }

  MessageId id() throws BroadcastDecodeException {
    need(MessageId.BYTES, "a 16-byte message id");
    return new MessageId(u64(), u64());
  }

  /** The next {@code length} bytes; the length was read off the wire, so it is checked first. */
  byte[] bytes(int length, String field) throws BroadcastDecodeException {
    need(length, "a " + length + "-byte " + field);
    byte[] out = Arrays.copyOfRange(bytes, at, at + length);
    at += length;
    return out;
  }

  void requireEnd(Object decoded) throws BroadcastDecodeException {
    if (at != bytes.length) {
      throw new BroadcastDecodeException((bytes.length - at) + " trailing bytes after " + decoded);
    }
  }

  private void need(int count, String what) throws BroadcastDecodeException {
    if (count < 0 || count > bytes.length - at) {
      throw new BroadcastDecodeException("message ends early: expected " + what + " at offset " + at + " of "
          + bytes.length);
    }
  }
}
