package io.barrel.p2p.transport;

/** A frame is larger than the configured limit; nothing was sent. */
public final class FrameTooLargeException extends TransportException {
  /** Creates the exception with a message naming the limit. */
  public FrameTooLargeException(String message) {
    super(message);
  }
}
