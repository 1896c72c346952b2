package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.Ed25519;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Encodes and decodes handshake frames. Everything is big-endian; every length is checked before
 * it is used; a decode either returns a frame that re-encodes to the same bytes or throws
 * {@link AuthDecodeException} — nothing else, for any input.
 *
 * <pre>
 * frame (on the stream)
 *  0       2      3
 *  +-------+------+----------------------+
 *  | len   | type | body ...             |   len = 1 + body length, u16, 1..512
 *  +-------+------+----------------------+
 *
 * HELLO (type 1)                               body 42 + n bytes
 *  +---------+-------+-----------------+------------------+-------------------+
 *  | version | n     | name (n bytes)  | public key (32)  | incarnation (u64) |
 *  +---------+-------+-----------------+------------------+-------------------+
 *   version u8 (3); n u8, 1..255; name is ASCII name@host (NodeName rules); incarnation: when the
 *   sender's life began, wall-clock ms, 0..2^63-1 (versions 1 and 2 end after the key: body 34 + n)
 *
 * CHALLENGE (type 2)                           body 40 bytes
 *  +------------------+---------------------+
 *  | nonce (32)       | timestamp (u64)     |   sender's wall clock, ms since the epoch
 *  +------------------+---------------------+
 *
 * RESPONSE (type 3)                            body 96 bytes
 *  +------------------+---------------------+
 *  | signature (64)   | secret proof (32)   |   Ed25519 and HMAC-SHA256 over the AuthTranscript
 *  +------------------+---------------------+
 *
 * OK (type 4)                                  body 0 bytes
 *
 * FAIL (type 5)                                body 2 + t bytes
 *  +--------+-------+-----------------+
 *  | reason | t     | text (t bytes)  |   reason u8 (AuthFailureReason wire code; unknown codes
 *  +--------+-------+-----------------+   read as REJECTED_BY_PEER); t u8, 0..200; printable ASCII
 * </pre>
 *
 * <p>Version 2 changed the order of the exchange (the client challenges in its first flight), not
 * the frames; version 3 added the incarnation to HELLO. A HELLO whose version is not
 * {@link #PROTOCOL_VERSION} still decodes when its body has its version's layout (versions 1 and 2
 * without the incarnation, later ones with it), so the handshake can answer UNSUPPORTED_VERSION
 * with a FAIL frame; when the layout differs (a future version may have changed it) the decode
 * error itself says UNSUPPORTED_VERSION rather than MALFORMED_FRAME.
 */
public final class AuthFrameCodec {

  /** The handshake protocol version this code speaks. */
  public static final int PROTOCOL_VERSION = 3;
  /** The first version whose HELLO carries the sender's incarnation. */
  public static final int FIRST_VERSION_WITH_INCARNATION = 3;
  /** Size of the length prefix in bytes. */
  public static final int LENGTH_PREFIX = 2;
  /** Largest value of the length prefix (type byte plus body). */
  public static final int MAX_FRAME_LENGTH = 512;

  static final int HELLO = 1;
  static final int CHALLENGE = 2;
  static final int RESPONSE = 3;
  static final int OK = 4;
  static final int FAIL = 5;

  private static final int CHALLENGE_BODY = AuthFrame.NONCE_SIZE + Long.BYTES;
  private static final int RESPONSE_BODY = Ed25519.SIGNATURE_SIZE + AuthFrame.PROOF_SIZE;

  private AuthFrameCodec() {}

  /** The frame with its length prefix, ready to write to the stream. */
  public static byte[] encode(AuthFrame frame) {
    byte[] body = body(frame);
    return ByteBuffer.allocate(LENGTH_PREFIX + body.length).putShort((short) body.length).put(body).array();
  }

  // Java 17 has no pattern switch; the chain ends in an error so a new frame type cannot slip by.
  private static byte[] body(AuthFrame frame) {
    if (frame instanceof AuthFrame.Hello h) {
      return hello(h);
    } else if (frame instanceof AuthFrame.Challenge c) {
      return ByteBuffer.allocate(1 + CHALLENGE_BODY)
          .put((byte) CHALLENGE).put(c.nonce()).putLong(c.timestamp()).array();
    } else if (frame instanceof AuthFrame.Response r) {
      return ByteBuffer.allocate(1 + RESPONSE_BODY)
          .put((byte) RESPONSE).put(r.signature()).put(r.secretProof()).array();
    } else if (frame instanceof AuthFrame.Ok) {
      return new byte[] {(byte) OK};
    } else if (frame instanceof AuthFrame.Fail f) {
      return fail(f);
    }
    throw new IllegalArgumentException("not an auth frame: " + frame);
  }

  private static byte[] hello(AuthFrame.Hello h) {
    byte[] name = h.name().toBytes();
    boolean withIncarnation = h.version() >= FIRST_VERSION_WITH_INCARNATION;
    ByteBuffer out = ByteBuffer.allocate(3 + name.length + Ed25519.KEY_SIZE + (withIncarnation ? Long.BYTES : 0))
        .put((byte) HELLO).put((byte) h.version()).put((byte) name.length).put(name).put(h.publicKey());
    if (withIncarnation) {
      out.putLong(h.incarnation());
    }
    return out.array();
  }

  private static byte[] fail(AuthFrame.Fail f) {
    byte[] text = f.text().getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(3 + text.length)
        .put((byte) FAIL).put((byte) f.reason().wireCode()).put((byte) text.length).put(text).array();
  }

  /**
   * Decodes one frame given without its length prefix (type byte then body).
   *
   * @throws AuthDecodeException for anything that is not exactly one valid frame
   */
  public static AuthFrame decode(byte[] frame) throws AuthDecodeException {
    if (frame == null || frame.length == 0) {
      throw malformed("empty frame: a frame holds at least its type byte");
    }
    return decode(frame, 0, frame.length);
  }

  /** Decodes {@code length} bytes of {@code buffer} from {@code offset}; bounds are the caller's. */
  static AuthFrame decode(byte[] buffer, int offset, int length) throws AuthDecodeException {
    if (length < 1) {
      throw malformed("empty frame: a frame holds at least its type byte");
    }
    if (length > MAX_FRAME_LENGTH) {
      throw malformed("frame of " + length + " bytes exceeds the " + MAX_FRAME_LENGTH + "-byte limit");
    }
    int type = buffer[offset] & 0xff;
    int bodyOffset = offset + 1;
    int bodyLength = length - 1;
    return switch (type) {
      case HELLO -> decodeHello(buffer, bodyOffset, bodyLength);
      case CHALLENGE -> {
        expectLength("CHALLENGE", bodyLength, CHALLENGE_BODY);
        ByteBuffer in = ByteBuffer.wrap(buffer, bodyOffset, bodyLength);
        byte[] nonce = new byte[AuthFrame.NONCE_SIZE];
        in.get(nonce);
        yield new AuthFrame.Challenge(nonce, in.getLong());
      }
      case RESPONSE -> {
        expectLength("RESPONSE", bodyLength, RESPONSE_BODY);
        int proofAt = bodyOffset + Ed25519.SIGNATURE_SIZE;
        yield new AuthFrame.Response(Arrays.copyOfRange(buffer, bodyOffset, proofAt),
            Arrays.copyOfRange(buffer, proofAt, proofAt + AuthFrame.PROOF_SIZE));
      }
      case OK -> {
        expectLength("OK", bodyLength, 0);
        yield new AuthFrame.Ok();
      }
      case FAIL -> decodeFail(buffer, bodyOffset, bodyLength);
      default -> throw malformed("unknown frame type " + type);
    };
  }

  private static AuthFrame decodeHello(byte[] buffer, int offset, int length) throws AuthDecodeException {
    if (length < 2) {
      throw malformed("HELLO of " + length + " bytes is too short to hold a version and a name length");
    }
    int version = buffer[offset] & 0xff;
    int nameLength = buffer[offset + 1] & 0xff;
    boolean withIncarnation = version >= FIRST_VERSION_WITH_INCARNATION;
    int expected = 2 + nameLength + Ed25519.KEY_SIZE + (withIncarnation ? Long.BYTES : 0);
    boolean layoutFits = nameLength >= 1 && length == expected;
    if (!layoutFits) {
      if (version != PROTOCOL_VERSION) {
        throw new AuthDecodeException(AuthFailureReason.UNSUPPORTED_VERSION,
            "HELLO of protocol version " + version + " (this node speaks " + PROTOCOL_VERSION + ")");
      }
      throw malformed("HELLO lengths do not add up: name length " + nameLength + ", body " + length
          + " bytes, expected " + expected);
    }
    int nameAt = offset + 2;
    Optional<NodeName> name = NodeName.tryParse(Arrays.copyOfRange(buffer, nameAt, nameAt + nameLength));
    if (name.isEmpty()) {
      if (version != PROTOCOL_VERSION) {
        throw new AuthDecodeException(AuthFailureReason.UNSUPPORTED_VERSION,
            "HELLO of protocol version " + version + " (this node speaks " + PROTOCOL_VERSION + ")");
      }
      throw new AuthDecodeException(AuthFailureReason.INVALID_NODE_NAME,
          "HELLO carries a node name that breaks the naming rules");
    }
    int keyAt = nameAt + nameLength;
    long incarnation = 0;
    if (withIncarnation) {
      incarnation = ByteBuffer.wrap(buffer, keyAt + Ed25519.KEY_SIZE, Long.BYTES).getLong();
      if (incarnation < 0) {
        if (version != PROTOCOL_VERSION) {
          throw new AuthDecodeException(AuthFailureReason.UNSUPPORTED_VERSION,
              "HELLO of protocol version " + version + " (this node speaks " + PROTOCOL_VERSION + ")");
        }
        throw malformed("HELLO incarnation " + Long.toUnsignedString(incarnation) + " is beyond 2^63-1");
      }
    }
    return new AuthFrame.Hello(version, name.get(), Arrays.copyOfRange(buffer, keyAt, keyAt + Ed25519.KEY_SIZE),
        incarnation);
  }

  private static AuthFrame decodeFail(byte[] buffer, int offset, int length) throws AuthDecodeException {
    if (length < 2) {
      throw malformed("FAIL of " + length + " bytes is too short to hold a reason and a text length");
    }
    int code = buffer[offset] & 0xff;
    int textLength = buffer[offset + 1] & 0xff;
    if (textLength > AuthFrame.MAX_FAIL_TEXT) {
      throw malformed("FAIL text of " + textLength + " bytes exceeds " + AuthFrame.MAX_FAIL_TEXT);
    }
    expectLength("FAIL", length, 2 + textLength);
    int textAt = offset + 2;
    for (int i = textAt; i < textAt + textLength; i++) {
      if (!AuthFrame.Fail.printable(buffer[i] & 0xff)) {
        throw malformed("FAIL text holds a byte that is not printable ASCII");
      }
    }
    String text = new String(buffer, textAt, textLength, StandardCharsets.US_ASCII);
    return new AuthFrame.Fail(AuthFailureReason.fromWireCode(code), text);
  }

  private static void expectLength(String frame, int actual, int expected) throws AuthDecodeException {
    if (actual != expected) {
      throw malformed(frame + " body is " + actual + " bytes, expected " + expected);
    }
  }

  private static AuthDecodeException malformed(String message) {
    return new AuthDecodeException(AuthFailureReason.MALFORMED_FRAME, message);
  }
}
