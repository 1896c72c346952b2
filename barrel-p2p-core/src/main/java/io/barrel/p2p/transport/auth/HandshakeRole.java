package io.barrel.p2p.transport.auth;

/** Which end of the connection a handshake runs on. */
public enum HandshakeRole {
  /** The dialer: speaks first and already knows which node it meant to reach. */
  CLIENT,
  /** The acceptor: its TLS certificate is the one the handshake is bound to. */
  SERVER;

  /** The role byte in the signed transcript: 0 for the client, 1 for the server. */
  int transcriptByte() {
    return this == CLIENT ? 0 : 1;
  }

  /** The other end. */
  HandshakeRole peer() {
    return this == CLIENT ? SERVER : CLIENT;
  }
}
