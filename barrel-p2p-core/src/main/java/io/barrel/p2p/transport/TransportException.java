package io.barrel.p2p.transport;

/** Base of the transport's unchecked failures; the subclass says what went wrong. */
public class TransportException extends RuntimeException {
  /** Creates the exception. */
  public TransportException(String message) {
    super(message);
  }

  /** Creates the exception with a cause. */
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
