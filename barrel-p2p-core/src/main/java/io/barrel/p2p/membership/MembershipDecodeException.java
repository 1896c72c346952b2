package io.barrel.p2p.membership;

/**
 * Bytes on the membership channel that are not a valid message. Checked on purpose: the driver
 * must decide what a malformed message does (count it, close the peer's connection) instead of
 * letting it escape into the event loop.
 */
public final class MembershipDecodeException extends Exception {

  /** A decode error saying what was wrong with the bytes. */
  public MembershipDecodeException(String message) {
    super(message);
  }
}
