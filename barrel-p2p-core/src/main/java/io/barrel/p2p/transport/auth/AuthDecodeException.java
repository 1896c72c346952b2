package io.barrel.p2p.transport.auth;

import java.util.Objects;

/**
 * Bytes on the handshake stream that are not a valid frame. Checked on purpose: every caller of
 * the decoder has to decide what a malformed frame does (fail the handshake, close the stream)
 * instead of letting it escape into the event loop.
 */
public final class AuthDecodeException extends Exception {

  private final AuthFailureReason reason;

  /** A decode error with the reason the handshake fails with. */
  public AuthDecodeException(AuthFailureReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** {@link AuthFailureReason#MALFORMED_FRAME}, {@code UNSUPPORTED_VERSION} or {@code INVALID_NODE_NAME}. */
  public AuthFailureReason reason() {
    return reason;
  }
}
