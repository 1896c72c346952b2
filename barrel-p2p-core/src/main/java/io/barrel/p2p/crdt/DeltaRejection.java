package io.barrel.p2p.crdt;

/** Why a delta received from a peer was refused whole, without changing the replica. */
public enum DeltaRejection {
  /** The bytes are not a valid delta: bad layout, bad name, unordered or duplicate dots, trailing bytes. */
  MALFORMED("malformed"),
  /** The delta is well-formed but exceeds a configured bound (entries, key, value, total bytes, context, nodes). */
  OVERSIZED("oversized"),
  /**
   * The delta mentions a dot whose counter lies beyond what any clock within {@code max-clock-offset}
   * of ours could have issued; accepting it would let one peer push counters towards overflow.
   */
  FUTURE_DOT("future_dot");

  private final String tag;

  DeltaRejection(String tag) {
    this.tag = tag;
  }

  /** The metric tag value, snake case. */
  public String tag() {
    return tag;
  }
}
