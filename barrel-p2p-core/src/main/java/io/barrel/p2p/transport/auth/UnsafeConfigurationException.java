package io.barrel.p2p.transport.auth;

/** Refuses a configuration that would leave the cluster open; the message names the setting to change. */
public final class UnsafeConfigurationException extends RuntimeException {

  /** The message says what is unsafe and how to fix it. */
  public UnsafeConfigurationException(String message) {
    super(message);
  }
}
