package io.barrel.p2p.bench;

import io.barrel.p2p.transport.AppStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Writes {@code total} bytes to an {@link AppStream} the way a bulk writer should: while the stream
 * is writable, with at most {@code window} bytes written but not yet taken by QUIC (their write
 * futures not complete; this bounds the stream's own queue when the first writes come from a thread
 * other than the event loop, before QUIC's capacity shows in {@code isWritable()}). When the stream
 * is not writable it waits for {@code whenWritable()}, when the window is full for a write to
 * complete; both resume on the event loop. Every chunk is a view of one shared array.
 */
final class StreamPump {

  private final AppStream stream;
  private final byte[] chunk;
  private final long window;
  private final CompletableFuture<Void> failed = new CompletableFuture<>();
  private long remaining;
  private long inFlight;
  private boolean pumping;

  StreamPump(AppStream stream, byte[] chunk, long total, long window) {
    this.stream = stream;
    this.chunk = chunk;
    this.remaining = total;
    this.window = window;
  }

  /** Completes exceptionally if a write fails. */
  CompletableFuture<Void> failures() {
    return failed;
  }

  void start() {
    pump();
  }

  private void pump() {
    synchronized (this) {
      if (pumping) {
        return; // the thread already in the loop below sees our progress
      }
      pumping = true;
    }
    while (true) {
      int n = 0;
      boolean writable;
      synchronized (this) {
        if (remaining == 0 || inFlight >= window) {
          pumping = false;
          return;
        }
        writable = stream.isWritable();
        if (!writable) {
          pumping = false;
        } else {
          n = (int) Math.min(chunk.length, remaining);
          remaining -= n;
          inFlight += n;
        }
      }
      if (!writable) {
        stream.whenWritable().whenComplete((v, e) -> {
          if (e != null) {
            failed.completeExceptionally(e);
          } else {
            pump();
          }
        });
        return;
      }
      int len = n;
      stream.write(ByteBuffer.wrap(chunk, 0, len)).whenComplete((v, e) -> {
        if (e != null) {
          failed.completeExceptionally(e);
          return;
        }
        synchronized (this) {
          inFlight -= len;
        }
        pump();
      });
    }
  }
}
