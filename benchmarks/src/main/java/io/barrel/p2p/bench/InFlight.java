package io.barrel.p2p.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed loop keeping {@code depth} calls in flight, whatever carries them: every answer starts
 * the next call from the thread that delivered it, so no extra hand-off is measured on top of the
 * stack's own. Counts answers; {@link #stop()} lets the calls in flight finish and issues no more.
 */
abstract class InFlight {

  private final int depth;
  private final AtomicLong completed = new AtomicLong();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running;
  private volatile CompletableFuture<Void> drained = new CompletableFuture<>();

  InFlight(int depth) {
    this.depth = depth;
  }

  /** Starts one call; {@code done} must be run once with its answer (null) or failure. */
  abstract void call(Done done);

  /** What a call reports back. */
  interface Done {
    void answered(Throwable error);
  }

  /** Issues {@code depth} calls. */
  void start() {
    drained = new CompletableFuture<>();
    running = true;
    for (int i = 0; i < depth; i++) {
      next();
    }
  }

  private void next() {
    outstanding.incrementAndGet();
    call(this::answered);
  }

  private void answered(Throwable error) {
    if (error != null) {
      failure.compareAndSet(null, error);
      running = false;
    } else {
      completed.incrementAndGet();
    }
    if (running) {
      // Counted as one leaving and one entering: outstanding stays at depth.
      call(this::answered);
    } else if (outstanding.decrementAndGet() == 0) {
      drained.complete(null);
    }
  }

  /** Answers so far. */
  long completed() {
    return completed.get();
  }

  /** Stops issuing calls; completes when the ones in flight have answered. */
  CompletableFuture<Void> stop() {
    running = false;
    if (outstanding.get() == 0) {
      drained.complete(null);
    }
    return drained;
  }

  /** Throws the first failure any call reported. */
  void check() {
    Throwable e = failure.get();
    if (e != null) {
      throw new IllegalStateException("a call failed: " + e, e);
    }
  }

  /**
   * Runs the loop for a warm-up and then for {@code seconds}; returns answers per second over the
   * measured part.
   */
  double run(double warmupSeconds, double seconds) throws Exception {
    start();
    Thread.sleep((long) (warmupSeconds * 1000));
    long c0 = completed();
    long cpu0 = Cpu.javaThreadsNanos();
    long t0 = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    long c1 = completed();
    long cpu1 = Cpu.javaThreadsNanos();
    long t1 = System.nanoTime();
    stop().get(30, java.util.concurrent.TimeUnit.SECONDS);
    check();
    lastCpuPerCall = (cpu1 - cpu0) / (double) Math.max(1, c1 - c0);
    return (c1 - c0) / ((t1 - t0) / 1e9);
  }

  /** JVM CPU nanoseconds per answer over the last {@link #run}'s measured part. */
  double lastCpuPerCall;
}
