package io.barrel.p2p.rpc;

/**
 * Bytes on a call's stream that are not valid RPC frames. Checked on purpose, as for the other
 * decoders: the layer reading the stream decides what malformed input does (count it, answer with
 * a {@link FailureKind#PROTOCOL} or {@link FailureKind#PAYLOAD_TOO_LARGE} failure, reset the
 * stream) instead of letting it escape into an event loop.
 */
public final class RpcDecodeException extends Exception {

  /** What was wrong, for metrics and for the choice of reply. */
  public enum Problem {
    /** A frame's length prefix is over the maximum message size; {@link #getCause()} says by how much. */
    FRAME_TOO_LARGE,
    /** A frame speaks a protocol version this node does not. */
    UNSUPPORTED_VERSION,
    /** A frame's type byte names no frame. */
    UNKNOWN_TYPE,
    /** A frame's body breaks its layout: short, trailing bytes, bad UTF-8, bad flags, a bad value. */
    MALFORMED,
    /** A field is over a configured limit (headers, error message, stack). */
    LIMIT_EXCEEDED,
    /** The stream ended in the middle of a frame. */
    TRUNCATED
  }

  private final Problem problem;

  /** A decode error saying what was wrong with the bytes. */
  public RpcDecodeException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  /** A {@link Problem#FRAME_TOO_LARGE} error carrying the typed size error. */
  RpcDecodeException(PayloadTooLargeException tooLarge) {
    super(tooLarge.getMessage(), tooLarge);
    this.problem = Problem.FRAME_TOO_LARGE;
  }

  /** What was wrong. */
  public Problem problem() {
    return problem;
  }

  /** The typed size error when the problem is {@link Problem#FRAME_TOO_LARGE}, else null. */
  public PayloadTooLargeException payloadTooLarge() {
    return getCause() instanceof PayloadTooLargeException p ? p : null;
  }
}
