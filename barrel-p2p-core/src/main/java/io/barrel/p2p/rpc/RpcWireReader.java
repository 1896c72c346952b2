package io.barrel.p2p.rpc;

import io.barrel.p2p.rpc.RpcDecodeException.Problem;

/** A cursor over one frame's content that turns every overrun into an {@link RpcDecodeException}. */
final class RpcWireReader {

  private final byte[] bytes;
  private final int end;
  private final String frame;
  private int at;

  /** Reads {@code length} bytes of {@code bytes} from {@code offset}; {@code frame} names the frame in errors. */
  RpcWireReader(byte[] bytes, int offset, int length, String frame) {
    this.bytes = bytes;
    this.at = offset;
    this.end = offset + length;
    this.frame = frame;
  }

  int remaining() {
    return end - at;
  }

  int u8() throws RpcDecodeException {
    need(1, "a byte");
    return bytes[at++] & 0xff;
  }

  int u16() throws RpcDecodeException {
    need(2, "a 16-bit field");
    int value = ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
    at += 2;
    return value;
  }

  int i32() throws RpcDecodeException {
    need(4, "a 32-bit field");
    int value = ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
        | (bytes[at + 3] & 0xff);
    at += 4;
    return value;
  }

  long u32() throws RpcDecodeException {
    return i32() & 0xFFFF_FFFFL;
  }

  long i64() throws RpcDecodeException {
    need(8, "a 64-bit field");
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[at + i] & 0xff);
    }
    at += 8;
    return value;
  }

  /** A string of {@code length} bytes of strict UTF-8; the length was read off the wire, so it is checked first. */
  String utf8(int length, String field) throws RpcDecodeException {
    need(length, "a " + length + "-byte " + field);
    String s = WireStrings.decode(bytes, at, length);
    if (s == null) {
      throw new RpcDecodeException(Problem.MALFORMED, frame + " " + field + " is not valid UTF-8");
    }
    at += length;
    return s;
  }

  /** Everything up to the end of the frame. */
  byte[] rest() {
    byte[] out = new byte[end - at];
    System.arraycopy(bytes, at, out, 0, out.length);
    at = end;
    return out;
  }

  void requireEnd() throws RpcDecodeException {
    if (at != end) {
      throw new RpcDecodeException(Problem.MALFORMED, (end - at) + " trailing bytes after a " + frame + " frame");
    }
  }

  private void need(int count, String what) throws RpcDecodeException {
    if (count < 0 || count > end - at) {
      throw new RpcDecodeException(Problem.MALFORMED, frame + " frame ends early: expected " + what + ", "
          + (end - at) + " bytes left");
    }
  }
}
