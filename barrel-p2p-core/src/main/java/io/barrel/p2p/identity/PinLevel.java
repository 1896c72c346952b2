package io.barrel.p2p.identity;

/** How a trust pin came to exist, which tells an operator how much it was vetted. */
public enum PinLevel {
  /** Put there by an operator (the pin API, or a file in the trusted directory at start). */
  PERMANENT,
  /** Recorded automatically after the first successful handshake in TOFU mode. */
  TOFU
}
