package io.barrel.p2p.rpc;

/**
 * Why a call failed, as a failure frame says it. Every kind but {@link #APPLICATION} is raised by
 * the RPC layer itself, so the caller can tell "the service threw" from "the call never ran".
 */
public enum FailureKind {
  /** The service method threw; the frame carries its class name, message and stack. */
  APPLICATION(1),
  /** The node does not export the service (its registration was stale); the method did not run. */
  UNKNOWN_SERVICE(2),
  /** The service has no method with the request's id, or not with the request's call mode; it did not run. */
  UNKNOWN_METHOD(3),
  /** The arguments did not decode into the method's parameter types; the method did not run. */
  BAD_ARGUMENTS(4),
  /** The request's deadline passed on the server before the call finished. */
  DEADLINE_EXCEEDED(5),
  /** The server's queue of calls was full; the method did not run. */
  OVERLOADED(6),
  /** A request or a result was over the maximum message size. */
  PAYLOAD_TOO_LARGE(7),
  /** The RPC layer on the server failed (for example, the result did not encode). */
  INTERNAL(8),
  /** The server received frames on the call's stream that break the protocol. */
  PROTOCOL(9);

  private final int code;

  FailureKind(int code) {
    this.code = code;
  }

  /** The byte that stands for this kind on the wire. */
  public int code() {
    return code;
  }

  /** The kind a wire byte stands for, or null for an unknown byte. */
  static FailureKind fromCode(int code) {
    for (FailureKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    return null;
  }
}
