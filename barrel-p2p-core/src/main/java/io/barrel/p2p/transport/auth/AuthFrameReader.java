package io.barrel.p2p.transport.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts the handshake stream into frames as bytes arrive, in chunks of any size.
 *
 * <p>It owns one fixed buffer of {@code 2 + 512} bytes, allocated up front, so a peer's declared
 * length never decides how much memory is taken: a prefix above the limit is refused as soon as its
 * two bytes are in, before any body arrives. After the first error the reader stays failed and
 * rethrows it, so a caller that ignores one error cannot resynchronise on garbage. Not thread-safe;
 * one per stream.
 */
public final class AuthFrameReader {

  private final byte[] buffer = new byte[AuthFrameCodec.LENGTH_PREFIX + AuthFrameCodec.MAX_FRAME_LENGTH];
  private int filled;
  private AuthDecodeException failure;

  /**
   * Appends {@code length} bytes of {@code chunk} from {@code offset} and returns the frames they
   * complete, in order. Bytes of a frame that is not complete yet are kept for the next call.
   *
   * @throws AuthDecodeException when the stream holds a malformed frame; frames completed before it
   *     in the same chunk are lost with it, since the handshake fails anyway
   * @throws IndexOutOfBoundsException when {@code offset} and {@code length} do not fit {@code chunk}
   */
  public List<AuthFrame> feed(byte[] chunk, int offset, int length) throws AuthDecodeException {
    Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(chunk, "chunk").length);
    if (failure != null) {
      throw failure;
    }
    List<AuthFrame> frames = new ArrayList<>(1);
    int at = offset;
    int end = offset + length;
    try {
      while (at < end) {
        int wanted = wanted();
        int take = Math.min(wanted - filled, end - at);
        System.arraycopy(chunk, at, buffer, filled, take);
        filled += take;
        at += take;
        if (filled == AuthFrameCodec.LENGTH_PREFIX) {
          checkDeclaredLength();
        }
        if (filled > AuthFrameCodec.LENGTH_PREFIX && filled == wanted()) {
          frames.add(AuthFrameCodec.decode(buffer, AuthFrameCodec.LENGTH_PREFIX, filled - AuthFrameCodec.LENGTH_PREFIX));
          filled = 0;
        }
      }
    } catch (AuthDecodeException e) {
      failure = e;
      throw e;
    }
    return frames;
  }

  /** {@link #feed(byte[], int, int)} over a whole array. */
  public List<AuthFrame> feed(byte[] chunk) throws AuthDecodeException {
    return feed(chunk, 0, Objects.requireNonNull(chunk, "chunk").length);
  }

  /** True when bytes of an unfinished frame are waiting: a stream ending now ends mid-frame. */
  public boolean hasPartialFrame() {
    return filled > 0;
  }

  /** How many bytes the frame being read will occupy, prefix included, as far as is known now. */
  private int wanted() {
    if (filled < AuthFrameCodec.LENGTH_PREFIX) {
      return AuthFrameCodec.LENGTH_PREFIX;
    }
    return AuthFrameCodec.LENGTH_PREFIX + declaredLength();
  }

  private int declaredLength() {
    return ((buffer[0] & 0xff) << 8) | (buffer[1] & 0xff);
  }

  private void checkDeclaredLength() throws AuthDecodeException {
    int declared = declaredLength();
    if (declared == 0) {
      throw new AuthDecodeException(AuthFailureReason.MALFORMED_FRAME,
          "frame declares length 0: a frame holds at least its type byte");
    }
    if (declared > AuthFrameCodec.MAX_FRAME_LENGTH) {
      throw new AuthDecodeException(AuthFailureReason.MALFORMED_FRAME, "frame declares " + declared
          + " bytes, above the " + AuthFrameCodec.MAX_FRAME_LENGTH + "-byte limit");
    }
  }
}
