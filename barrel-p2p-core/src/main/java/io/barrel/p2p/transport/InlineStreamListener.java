package io.barrel.p2p.transport;

import java.nio.ByteBuffer;

/**
 * Receives what arrives on an {@link AppStream} inline: on the connection's event loop, as the bytes
 * come off QUIC, without copying them. For consumers that handle bytes faster than a thread
 * hand-off costs (counting, hashing, parsing into their own structures, writing to another
 * stream) and never block; installed with {@link AppStream#listenInline}.
 *
 * <p>Everything else on the connection waits while a callback runs, so a callback must return
 * quickly and must not block, wait for a future, or call code that might. A consumer that hands the
 * bytes on to slower work copies what it keeps and calls {@link AppStream#pauseReading()} until it
 * has caught up; QUIC flow control then pushes back on the sender. A callback that throws resets
 * the stream, as for a {@link StreamListener}.
 */
public interface InlineStreamListener {

  /**
   * Bytes arrived. The buffer is read-only and lent for the duration of the call: its memory goes
   * back to the transport's pool when the call returns, so copy whatever must outlive it.
   */
  void onData(AppStream stream, ByteBuffer data);

  /** The peer finished its side (FIN): nothing more will arrive. */
  default void onEnd(AppStream stream) {}

  /** The stream was reset or its connection lost; nothing more will arrive. */
  default void onError(AppStream stream, Throwable cause) {}
}
