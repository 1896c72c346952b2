package io.barrel.p2p.transport;

/** The peer refused a stream: no acceptor for its tag, or too many streams. */
public final class StreamRefusedException extends TransportException {
  /** QUIC application error code used to reset a refused stream. */
  public static final int STREAM_REFUSED = 0x100;

  /** Creates the exception. */
  public StreamRefusedException(String message) {
    super(message);
  }
}
