package io.barrel.p2p.transport;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Encodes and decodes {@link StreamHeader}s.
 *
 * <pre>
 *  0       1         2      3       4
 *  +-------+---------+------+-------+------------------+
 *  | 0xB7  | version | kind | n     | tag (n bytes)    |   n and tag only for kind APP
 *  +-------+---------+------+-------+------------------+
 *  magic   u8 = 1    u8: AUTH=1 CONTROL=2 DATA=3 APP=4
 *                           n u8, 1..64; tag ASCII [A-Za-z0-9._:/-]
 * </pre>
 *
 * A header is at most 68 bytes. Decoding is incremental and stateless: the caller keeps the bytes
 * received so far (never more than 68) and asks again; every byte is checked as soon as it is
 * there, so garbage is refused at its first wrong byte rather than after 68 bytes of it.
 */
public final class StreamHeaderCodec {

  /** The first byte of every stream. */
  public static final int MAGIC = 0xB7;
  /** The header version this code speaks. */
  public static final int VERSION = 1;
  /** The longest header: magic, version, kind, tag length and a 64-byte tag. */
  public static final int MAX_HEADER_LENGTH = 4 + StreamHeader.MAX_TAG_LENGTH;

  static final int AUTH = 1;
  static final int CONTROL = 2;
  static final int DATA = 3;
  static final int APP = 4;

  private static final int FIXED = 3;

  private StreamHeaderCodec() {}

  /** How far decoding got. */
  public sealed interface Progress permits NeedMore, Complete {}

  /** The bytes so far are a valid start of a header; more are needed. */
  public record NeedMore() implements Progress {}

  /**
   * A whole header was read.
   *
   * @param header the header
   * @param consumed how many bytes it took; the stream's payload starts right after them
   */
  public record Complete(StreamHeader header, int consumed) implements Progress {}

  private static final NeedMore NEED_MORE = new NeedMore();

  /** The header's bytes. */
  public static byte[] encode(StreamHeader header) {
    Objects.requireNonNull(header, "header");
    if (header instanceof StreamHeader.App app) {
      byte[] tag = app.tag().getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[FIXED + 1 + tag.length];
      out[0] = (byte) MAGIC;
      out[1] = (byte) VERSION;
      out[2] = (byte) APP;
      out[3] = (byte) tag.length;
      System.arraycopy(tag, 0, out, FIXED + 1, tag.length);
      return out;
    }
    return new byte[] {(byte) MAGIC, (byte) VERSION, (byte) kindOf(header)};
  }

  private static int kindOf(StreamHeader header) {
    if (header instanceof StreamHeader.Auth) {
      return AUTH;
    } else if (header instanceof StreamHeader.Control) {
      return CONTROL;
    } else if (header instanceof StreamHeader.Data) {
      return DATA;
    }
    throw new IllegalArgumentException("not a fixed-size stream header: " + header);
  }

  /** {@link #decode(byte[], int, int)} over a whole array. */
  public static Progress decode(byte[] bytes) throws StreamHeaderException {
    return decode(bytes, 0, Objects.requireNonNull(bytes, "bytes").length);
  }

  /**
   * Reads a header from the first {@code length} bytes at {@code offset}; bytes past the header are
   * left alone (they are the stream's payload).
   *
   * @throws StreamHeaderException as soon as a byte present cannot start a valid header
   * @throws IndexOutOfBoundsException when {@code offset} and {@code length} do not fit {@code bytes}
   */
  public static Progress decode(byte[] bytes, int offset, int length) throws StreamHeaderException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length < 1) {
      return NEED_MORE;
    }
    int magic = bytes[offset] & 0xff;
    if (magic != MAGIC) {
      throw new StreamHeaderException(StreamHeaderException.Problem.BAD_MAGIC,
          String.format("stream starts with 0x%02X, not the barrel-p2p magic 0xB7", magic));
    }
    if (length < 2) {
      return NEED_MORE;
    }
    int version = bytes[offset + 1] & 0xff;
    if (version != VERSION) {
      throw new StreamHeaderException(StreamHeaderException.Problem.UNSUPPORTED_VERSION,
          "stream header version " + version + " (this node speaks " + VERSION + ")");
    }
    if (length < FIXED) {
      return NEED_MORE;
    }
    int kind = bytes[offset + 2] & 0xff;
    switch (kind) {
      case AUTH:
        return new Complete(new StreamHeader.Auth(), FIXED);
      case CONTROL:
        return new Complete(new StreamHeader.Control(), FIXED);
      case DATA:
        return new Complete(new StreamHeader.Data(), FIXED);
      case APP:
        return decodeApp(bytes, offset, length);
      default:
        throw new StreamHeaderException(StreamHeaderException.Problem.UNKNOWN_KIND, "unknown stream kind " + kind);
    }
  }

  private static Progress decodeApp(byte[] bytes, int offset, int length) throws StreamHeaderException {
    if (length < FIXED + 1) {
      return NEED_MORE;
    }
    int tagLength = bytes[offset + FIXED] & 0xff;
    if (tagLength < 1 || tagLength > StreamHeader.MAX_TAG_LENGTH) {
      throw new StreamHeaderException(StreamHeaderException.Problem.INVALID_TAG,
          "stream tag length " + tagLength + " is outside 1.." + StreamHeader.MAX_TAG_LENGTH);
    }
    int tagAt = offset + FIXED + 1;
    int available = Math.min(tagLength, length - FIXED - 1);
    for (int i = tagAt; i < tagAt + available; i++) {
      if (!StreamHeader.isTagChar(bytes[i] & 0xff)) {
        throw new StreamHeaderException(StreamHeaderException.Problem.INVALID_TAG,
            String.format("stream tag holds byte 0x%02X; tags use A-Z a-z 0-9 . _ : / -", bytes[i] & 0xff));
      }
    }
    if (available < tagLength) {
      return NEED_MORE;
    }
    String tag = new String(bytes, tagAt, tagLength, StandardCharsets.US_ASCII);
    return new Complete(new StreamHeader.App(tag), FIXED + 1 + tagLength);
  }
}
