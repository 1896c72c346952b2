package io.barrel.p2p.membership;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one subscriber's callbacks on a shared executor one at a time and in order, so a listener on
 * virtual threads still sees "up" before "down". A callback that throws is logged and the next one
 * runs.
 */
public final class SerialDelivery implements Executor {

  private static final Logger log = LoggerFactory.getLogger(SerialDelivery.class);

  private final Executor executor;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean draining;

  /** Delivers on {@code executor}. */
  public SerialDelivery(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public void execute(Runnable task) {
    synchronized (queue) {
      queue.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      executor.execute(this::drain);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The executor is shutting down with the node: drop what is queued, and do not stay marked
      // as draining, or nothing queued later would ever run.
      synchronized (queue) {
        queue.clear();
        draining = false;
      }
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        log.warn("a listener failed", e);
      }
    }
  }
}
