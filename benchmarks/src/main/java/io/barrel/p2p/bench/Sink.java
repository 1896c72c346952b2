package io.barrel.p2p.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the bytes a receiver got; completes with the arrival time of the last expected byte. */
final class Sink {

  private final long expected;
  private final AtomicLong received = new AtomicLong();
  private final CompletableFuture<Long> done = new CompletableFuture<>();

  Sink(long expected) {
    this.expected = expected;
  }

  void add(long n) {
    long total = received.addAndGet(n);
    if (total >= expected) {
      done.complete(System.nanoTime());
    }
  }

  void fail(Throwable cause) {
    done.completeExceptionally(cause);
  }

  long received() {
    return received.get();
  }

  /** {@code System.nanoTime()} when the last byte arrived. */
  CompletableFuture<Long> done() {
    return done;
  }
}
