package io.barrel.p2p.transport;

/**
 * Why a connection was closed, with the QUIC application error code sent to the peer so both sides
 * log and count the same reason.
 */
public enum CloseReason {
  /** This node is shutting down or left the cluster. */
  SHUTDOWN(0),
  /** The Ed25519 handshake failed. */
  AUTH_FAILED(1),
  /** Both nodes dialed each other; this connection lost the tie-break. */
  DUPLICATE(2),
  /** Idle outside the active view; reaped. */
  IDLE(3),
  /** The peer broke the protocol (malformed frame, stream before auth, ...). */
  PROTOCOL_ERROR(4),
  /** Closed on request (an operator or an upper layer disconnecting the peer). */
  REQUESTED(5),
  /**
   * The peer restarted: this connection reached its previous life, and one to its new life
   * replaced it (nothing is there to receive the close).
   */
  SUPERSEDED(6),
  /**
   * This connection reached an earlier life of the peer while a later life of the same identity is
   * connected and alive: two processes share one identity (a copied data directory or machine
   * image). The earlier life is refused, and told why.
   */
  IDENTITY_IN_USE(7),
  /** The peer closed it, the QUIC idle timeout expired, or the network failed. */
  LOST(-1);

  private final int code;

  CloseReason(int code) {
    this.code = code;
  }

  /** QUIC application error code carried in CONNECTION_CLOSE; -1 for reasons never sent. */
  public int code() {
    return code;
  }

  /** The reason a received application close code stands for. */
  static CloseReason fromCode(int code) {
    for (CloseReason r : values()) {
      if (r.code == code && code >= 0) {
        return r;
      }
    }
    return LOST;
  }

  /** Lowercase tag value for metrics. */
  String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
