package io.barrel.p2p.membership;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one serial executor of a node that owns every protocol's state (membership, broadcast and the
 * layers above): every input for one node runs here, one at a time, so the pure cores need no locks.
 * Neither user code nor blocking I/O ever runs on it.
 *
 * <p>A task that throws is logged and the loop goes on: one bad input must not stop a node's
 * membership. After {@link #close()} new tasks are dropped silently, as the node is going away.
 */
public final class ProtocolLoop implements Executor, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProtocolLoop.class);

  private final ScheduledThreadPoolExecutor executor;
  private volatile Thread thread;

  /** Starts the loop's thread, named after the node. */
  public ProtocolLoop(String nodeName) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "barrel-p2p-protocol-" + nodeName);
      t.setDaemon(true);
      thread = t;
      return t;
    });
    // Timers are never cancelled by the cores (a stale one is ignored when it fires), but the
    // driver cancels all of them on close; removing them keeps the queue small.
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Runs {@code task} on the loop, after the tasks already queued. */
  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(guarded(task));
    } catch (RejectedExecutionException e) {
      log.debug("protocol loop closed; dropping a task");
    }
  }

  /** Runs {@code task} on the loop once {@code delay} has passed. */
  public void schedule(Runnable task, Duration delay) {
    try {
      executor.schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("protocol loop closed; dropping a timer");
    }
  }

  /** Runs {@code query} on the loop and hands back its result (for snapshots taken by other threads). */
  public <T> CompletableFuture<T> call(Supplier<T> query) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          result.complete(query.get());
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the protocol loop is closed", e));
    }
    return result;
  }

  /** True on the loop's own thread. */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Monotonic milliseconds for HyParView's timers and backoffs. */
  public long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  /** Monotonic nanoseconds for Plumtree's timers. */
  public long nowNanos() {
    return System.nanoTime();
  }

  /** Stops the loop; pending timers are dropped and a running task finishes. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!inLoop() && !executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | AssertionError e) {
        log.error("a protocol task failed; the node keeps running", e);
      }
    };
  }
}
