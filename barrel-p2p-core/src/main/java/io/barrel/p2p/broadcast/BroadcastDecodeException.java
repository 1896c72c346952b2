package io.barrel.p2p.broadcast;

/**
 * Bytes on the control stream's broadcast channel that are not a valid Plumtree message. Checked on
 * purpose: the driver has to decide what a malformed message does (count it, drop it, close the
 * peer's stream) instead of letting it escape into the event loop.
 */
public final class BroadcastDecodeException extends Exception {

  /** A decode error saying what was wrong with the bytes. */
  public BroadcastDecodeException(String message) {
    super(message);
  }
}
