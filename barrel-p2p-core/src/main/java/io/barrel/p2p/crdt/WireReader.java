package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** A cursor over one received message that turns every overrun into a {@link CrdtDecodeException}. */
final class WireReader {

  private final byte[] bytes;
  private int at;

  WireReader(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A reader past the version and type bytes of a message, after checking the message is present,
   * within {@code maxBytes}, of this version and of the expected type.
   */
  static WireReader header(byte[] bytes, int version, int type, int maxBytes, String what)
      throws CrdtDecodeException {
    if (bytes == null || bytes.length == 0) {
      throw new CrdtDecodeException("empty " + what + ": a message holds at least its version and type");
    }
    if (bytes.length > maxBytes) {
      throw new CrdtDecodeException(what + " of " + bytes.length + " bytes exceeds the " + maxBytes
          + "-byte limit (barrel.p2p.crdt.max-total-bytes)", true);
    }
    WireReader in = new WireReader(bytes);
    int actualVersion = in.u8();
    if (actualVersion != version) {
      throw new CrdtDecodeException("unsupported CRDT wire version " + actualVersion + "; this node speaks " + version);
    }
    int actualType = in.u8();
    if (actualType != type) {
      throw new CrdtDecodeException("expected a " + what + " (type " + type + "), got type " + actualType);
    }
    return in;
  }

  /** A length-prefixed node name, validated by the rules of {@link NodeName}. */
  NodeName nodeName(String what) throws CrdtDecodeException {
    Optional<NodeName> node = NodeName.tryParse(bytes(u8(), "node name"));
    if (node.isEmpty()) {
      throw new CrdtDecodeException(what + " holds an invalid node name");
    }
    return node.get();
  }

  int remaining() {
    return bytes.length - at;
  }

  int u8() throws CrdtDecodeException {
    need(1, "a byte");
    return bytes[at++] & 0xff;
  }

  int u16() throws CrdtDecodeException {
    need(2, "a 16-bit field");
    int value = ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
    at += 2;
    return value;
  }

  long u32() throws CrdtDecodeException {
    need(4, "a 32-bit field");
    long value = ((long) (bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16)
        | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    at += 4;
    return value;
  }

  long u64() throws CrdtDecodeException {
    need(8, "a 64-bit field");
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[at + i] & 0xff);
    }
    at += 8;
    return value;
  }

  /** The next {@code length} bytes; the length was read off the wire, so it is checked first. */
  byte[] bytes(long length, String field) throws CrdtDecodeException {
    need(length, "a " + length + "-byte " + field);
    byte[] out = Arrays.copyOfRange(bytes, at, at + (int) length);
    at += (int) length;
    return out;
  }

  /** The next {@code length} bytes as strict UTF-8: malformed, overlong and surrogate forms refused. */
  String utf8(int length, String field) throws CrdtDecodeException {
    need(length, "a " + length + "-byte " + field);
    try {
      String out = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, at, length))
          .toString();
      at += length;
      return out;
    } catch (CharacterCodingException e) {
      throw new CrdtDecodeException(field + " at offset " + at + " is not valid UTF-8");
    }
  }

  /** Fails unless at least {@code count} bytes remain: checked before allocating for a count read off the wire. */
  void need(long count, String what) throws CrdtDecodeException {
    if (count < 0 || count > bytes.length - at) {
      throw new CrdtDecodeException("message ends early: expected " + what + " at offset " + at + " of "
          + bytes.length);
    }
  }

  void requireEnd(String decoded) throws CrdtDecodeException {
    if (at != bytes.length) {
      throw new CrdtDecodeException((bytes.length - at) + " trailing bytes after " + decoded);
    }
  }
}
