package io.barrel.p2p.transport.auth;

import java.util.Objects;

/** Thrown (or used to complete a future) when a peer could not be authenticated. */
public final class AuthenticationException extends RuntimeException {

  private final transient AuthFailure failure;

  /** Wraps a handshake failure; the message says what happened and what to do. */
  public AuthenticationException(AuthFailure failure) {
    super(Objects.requireNonNull(failure, "failure").message());
    this.failure = failure;
  }

  /** The failure, for code that reacts to the reason. */
  public AuthFailure failure() {
    return failure;
  }
}
