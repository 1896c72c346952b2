package io.barrel.p2p.bench;

import io.barrel.p2p.transport.AppStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Writes {@code total} bytes to an {@link AppStream} without buffering them: at most {@code window}
 * bytes are written but not yet taken by QUIC (their write futures not complete); each completion
 * lets the next chunk go. AppStream has {@code isWritable()} but no event when it turns writable
 * again, so write futures are the back-pressure signal. Every chunk is a view of one shared array.
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
      int n;
      synchronized (this) {
        if (remaining == 0 || inFlight >= window) {
          pumping = false;
          return;
        }
        n = (int) Math.min(chunk.length, remaining);
        remaining -= n;
        inFlight += n;
      }
      stream.write(ByteBuffer.wrap(chunk, 0, n)).whenComplete((v, e) -> {
        if (e != null) {
          failed.completeExceptionally(e);
          return;
        }
        synchronized (this) {
          inFlight -= n;
        }
        pump();
      });
    }
  }
}
