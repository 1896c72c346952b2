package io.barrel.p2p.transport.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * How a handshake failed: the reason, what happened in this case, and — when the peer refused us —
 * the reason the peer gave.
 *
 * @param reason what went wrong, also the metric tag
 * @param detail what happened in this particular handshake (names, values), without the hint
 * @param peerReason the reason from the peer's FAIL frame when {@code reason} is
 *     {@link AuthFailureReason#REJECTED_BY_PEER}, otherwise null
 */
public record AuthFailure(AuthFailureReason reason, String detail, AuthFailureReason peerReason) {

  /** Checks that the fields fit together. */
  public AuthFailure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    if (peerReason != null && reason != AuthFailureReason.REJECTED_BY_PEER) {
      throw new IllegalArgumentException("only a rejection by the peer carries the peer's reason");
    }
  }

  /** A failure detected by this node. */
  public AuthFailure(AuthFailureReason reason, String detail) {
    this(reason, detail, null);
  }

  /** The peer refused us with a FAIL frame carrying {@code peerReason} and {@code peerText}. */
  public static AuthFailure rejectedByPeer(AuthFailureReason peerReason, String peerText) {
    Objects.requireNonNull(peerReason, "peerReason");
    String said = peerText == null || peerText.isEmpty() ? "" : ": " + peerText;
    return new AuthFailure(AuthFailureReason.REJECTED_BY_PEER,
        "the peer refused the handshake (" + peerReason.metricTag() + said + ")", peerReason);
  }

  /** The reason the peer gave, when the peer refused us. */
  public Optional<AuthFailureReason> reasonGivenByPeer() {
    return Optional.ofNullable(peerReason);
  }

  /** A sentence for logs and exceptions: what happened, then what to do. */
  public String message() {
    AuthFailureReason advised = peerReason != null ? peerReason : reason;
    return detail + "; " + advised.hint();
  }
}
