package io.barrel.p2p.tls;

/**
 * The node's QUIC TLS certificate or key cannot be generated, read, written, or does not fit
 * together. The message names the files and what the operator can do.
 */
public class TlsMaterialException extends RuntimeException {

  /** A TLS material problem with no underlying exception. */
  public TlsMaterialException(String message) {
    super(message);
  }

  /** A TLS material problem caused by {@code cause}. */
  public TlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
