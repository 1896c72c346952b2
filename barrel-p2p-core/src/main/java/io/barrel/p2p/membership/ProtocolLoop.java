package io.barrel.p2p.membership;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one serial executor of a node that owns every protocol's state (membership, broadcast and the
 * layers above): every input for one node runs here, one at a time, so the pure cores need no locks.
 * Neither user code nor blocking I/O ever runs on it.
 *
 * <p>"One at a time" is a turn, not a thread: every task takes the loop's turn (a lock) while it
 * runs. A {@link #call} from another thread that finds the loop idle (nothing queued, no task
 * running) takes the turn itself and runs on the caller's thread, so a blocking API call such as
 * registering a service costs no hand-off to the loop's thread and back (two thread wake-ups, which
 * cost far more than the protocol step on a busy machine). A caller's own earlier tasks are always
 * queued work, so they keep their order; a call from inside a task is queued as before.
 *
 * <p>A task that throws is logged and the loop goes on: one bad input must not stop a node's
 * membership. After {@link #close()} new tasks are dropped silently, as the node is going away.
 */
public final class ProtocolLoop implements Executor, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProtocolLoop.class);

  private final ScheduledThreadPoolExecutor executor;
  /** Held by whichever thread runs a task: the loop's thread or an inline caller. */
  private final ReentrantLock turn = new ReentrantLock();
  /** Tasks handed to the executor (timers once they fire) and not finished yet. */
  private final AtomicInteger queued = new AtomicInteger();
  /** Calls handed to the executor and not run yet: failed if the loop closes before it runs them. */
  private final Set<CompletableFuture<?>> waitingCalls = ConcurrentHashMap.newKeySet();

  /** Starts the loop's thread, named after the node. */
  public ProtocolLoop(String nodeName) {
    executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "barrel-p2p-protocol-" + nodeName);
      t.setDaemon(true);
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
    queued.incrementAndGet();
    try {
      executor.execute(() -> runInTurn(task));
    } catch (RejectedExecutionException e) {
      queued.decrementAndGet();
      log.debug("protocol loop closed; dropping a task");
    }
  }

  /** Runs {@code task} on the loop once {@code delay} has passed. */
  public void schedule(Runnable task, Duration delay) {
    try {
      executor.schedule(() -> {
        queued.incrementAndGet();
        runInTurn(task);
      }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("protocol loop closed; dropping a timer");
    }
  }

  /**
   * Runs {@code query} in the loop's turn and hands back its result: on the calling thread when the
   * loop is idle (the future is then complete on return), otherwise queued after the tasks already
   * there.
   */
  public <T> CompletableFuture<T> call(Supplier<T> query) {
    CompletableFuture<T> result = new CompletableFuture<>();
    // queued == 0 first: a task this thread queued earlier is still counted, so it runs first.
    if (queued.get() == 0 && !turn.isHeldByCurrentThread() && !executor.isShutdown() && turn.tryLock()) {
      try {
        complete(result, query);
      } finally {
        turn.unlock();
      }
      return result;
    }
    queued.incrementAndGet();
    waitingCalls.add(result);
    try {
      executor.execute(() -> {
        turn.lock();
        try {
          // Whoever takes it out of the waiting set first decides: this task runs the query, or a
          // close that gave up waiting has failed the call, and then the query must not run.
          if (waitingCalls.remove(result)) {
            complete(result, query);
          }
        } finally {
          turn.unlock();
          queued.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      queued.decrementAndGet();
      waitingCalls.remove(result);
      result.completeExceptionally(new IllegalStateException("the protocol loop is closed", e));
    }
    return result;
  }

  /** True while the current thread runs a task of this loop (on the loop's thread or inline). */
  public boolean inLoop() {
    return turn.isHeldByCurrentThread();
  }

  /** Monotonic milliseconds for HyParView's timers and backoffs. */
  public long nowMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  /** Monotonic nanoseconds for Plumtree's timers. */
  public long nowNanos() {
    return System.nanoTime();
  }

  /**
   * Stops the loop: pending timers are dropped, queued tasks and calls get up to two seconds to run
   * and a running task finishes. Calls still queued after that fail, so that no caller waits on a
   * future that would never complete.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!inLoop() && !executor.awaitTermination(2, TimeUnit.SECONDS)) {
        abandonQueued();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandonQueued();
    }
  }

  private void abandonQueued() {
    executor.shutdownNow();
    for (CompletableFuture<?> call : waitingCalls) {
      if (waitingCalls.remove(call)) {
        call.completeExceptionally(new IllegalStateException("the protocol loop closed before this call ran"));
      }
    }
  }

  private void runInTurn(Runnable task) {
    turn.lock();
    try {
      task.run();
    } catch (RuntimeException | AssertionError e) {
      log.error("a protocol task failed; the node keeps running", e);
    } finally {
      turn.unlock();
      queued.decrementAndGet();
    }
  }

  private static <T> void complete(CompletableFuture<T> result, Supplier<T> query) {
    try {
      result.complete(query.get());
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
    }
  }
}
