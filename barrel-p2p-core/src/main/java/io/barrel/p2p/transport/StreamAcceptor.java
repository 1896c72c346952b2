package io.barrel.p2p.transport;

/**
 * Takes inbound application streams opened with one tag. It runs on the application executor and
 * should set a listener with {@link AppStream#listen} before returning; bytes that arrive earlier
 * are kept (bounded) until it does.
 */
@FunctionalInterface
public interface StreamAcceptor {

  /** A peer opened a stream with this acceptor's tag. */
  void accept(AppStream stream);
}
