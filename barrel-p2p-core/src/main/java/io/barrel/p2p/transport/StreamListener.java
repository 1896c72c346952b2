package io.barrel.p2p.transport;

/**
 * Receives what arrives on an {@link AppStream}. Callbacks for one stream run one at a time, in
 * order, on the node's application executor (never on a Netty event loop), so they may block
 * briefly; a slow listener pauses reading from the peer (QUIC flow control pushes back on it).
 */
public interface StreamListener {

  /** Bytes arrived; the array is the listener's to keep. */
  void onData(AppStream stream, byte[] data);

  /** The peer finished its side (FIN): nothing more will arrive. */
  default void onEnd(AppStream stream) {}

  /** The stream was reset or its connection lost; nothing more will arrive. */
  default void onError(AppStream stream, Throwable cause) {}
}
