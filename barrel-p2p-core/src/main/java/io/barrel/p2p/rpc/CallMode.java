package io.barrel.p2p.rpc;

/** How a request is answered; it travels in the request's flags so the server can check it against its method. */
public enum CallMode {
  /** One response or one failure. */
  UNARY,
  /** Nothing comes back, not even a failure. */
  ONE_WAY,
  /** Stream items as the caller asks for them (demand), then a stream end or a failure. */
  SERVER_STREAM
}
