package io.barrel.p2p.transport.auth;

import java.util.Arrays;

/** Compares a decoded frame with the bytes it came from. */
final class WireCheck {

  private WireCheck() {}

  /**
   * True when {@code frame} encodes to exactly {@code body} (type byte onwards). The one allowed
   * difference: a FAIL whose reason code this version does not know decodes as REJECTED_BY_PEER,
   * so that byte re-encodes differently by design.
   */
  static boolean reencodesTo(AuthFrame frame, byte[] body) {
    byte[] encoded = AuthFrameCodec.encode(frame);
    byte[] again = Arrays.copyOfRange(encoded, AuthFrameCodec.LENGTH_PREFIX, encoded.length);
    if (frame instanceof AuthFrame.Fail fail && body.length > 1 && !AuthFailureReason.isKnownWireCode(body[1] & 0xff)) {
      if (fail.reason() != AuthFailureReason.REJECTED_BY_PEER || again.length != body.length) {
        return false;
      }
      again[1] = body[1];
    }
    return Arrays.equals(again, body);
  }
}
