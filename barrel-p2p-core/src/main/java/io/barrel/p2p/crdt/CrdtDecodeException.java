package io.barrel.p2p.crdt;

/**
 * Bytes that are not a valid CRDT message (delta, digest or timestamp) within the configured
 * bounds. Checked on purpose: the driver decides what a malformed message does (count it, drop it,
 * close the peer's stream) instead of letting it escape into the event loop.
 */
public final class CrdtDecodeException extends Exception {

  private final boolean oversized;

  /** A decode error for malformed bytes, saying what was wrong with them. */
  public CrdtDecodeException(String message) {
    this(message, false);
  }

  /**
   * A decode error saying what was wrong with the bytes.
   *
   * @param oversized true when the bytes are well-formed as far as read but exceed a configured limit
   */
  public CrdtDecodeException(String message, boolean oversized) {
    super(message);
    this.oversized = oversized;
  }

  /** True when the message broke a size limit rather than the format, so metrics can tell the two apart. */
  public boolean oversized() {
    return oversized;
  }
}
