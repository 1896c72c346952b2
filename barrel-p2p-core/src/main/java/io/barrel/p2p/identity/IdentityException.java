package io.barrel.p2p.identity;

/**
 * The node's own key material is missing, damaged, inconsistent or cannot be written. The message
 * names the files involved and what the operator can do about it.
 */
public class IdentityException extends RuntimeException {

  /** An identity problem with no underlying exception. */
  public IdentityException(String message) {
    super(message);
  }

  /** An identity problem caused by {@code cause} (usually an I/O failure). */
  public IdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
