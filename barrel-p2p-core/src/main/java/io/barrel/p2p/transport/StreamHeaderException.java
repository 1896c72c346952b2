package io.barrel.p2p.transport;

import java.util.Objects;

/** The first bytes of a stream are not a valid {@link StreamHeader}; the stream is refused. */
public final class StreamHeaderException extends Exception {

  /** What was wrong with the header, e.g. for a metric tag. */
  public enum Problem {
    /** The first byte is not the magic 0xB7: not a barrel-p2p stream. */
    BAD_MAGIC,
    /** A header version this node does not speak. */
    UNSUPPORTED_VERSION,
    /** A stream kind this node does not know. */
    UNKNOWN_KIND,
    /** An application tag of a bad length or with a forbidden character. */
    INVALID_TAG
  }

  private final Problem problem;

  /** A malformed header, with what was wrong and a message saying so. */
  public StreamHeaderException(Problem problem, String message) {
    super(message);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /** What was wrong. */
  public Problem problem() {
    return problem;
  }
}
