package io.barrel.p2p.rpc;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * The executor of one blocking call: the answer's stream events run on the very thread that waits
 * for the answer, so the reply goes from the event loop to the caller in one hand-off instead of
 * two (event loop, application executor, caller). The waiting thread decodes the answer itself,
 * off the event loop. Tasks that arrive once the caller stopped waiting (the stream's end, a late
 * frame) go to the fallback executor instead.
 */
final class WaitingCaller implements Executor {

  private final Thread waiter = Thread.currentThread();
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Executor fallback;
  private volatile boolean waiting = true;

  /** For the current thread; {@code fallback} runs what comes after it stopped waiting. */
  WaitingCaller(Executor fallback) {
    this.fallback = Objects.requireNonNull(fallback, "fallback");
  }

  @Override
  public void execute(Runnable task) {
    if (!waiting) {
      fallback.execute(task);
      return;
    }
    tasks.add(task);
    LockSupport.unpark(waiter);
    // The caller may have stopped waiting (and drained) between the check and the add.
    if (!waiting && tasks.remove(task)) {
      fallback.execute(task);
    }
  }

  /**
   * Runs this call's tasks on the current thread until {@code result} is done.
   *
   * @throws InterruptedException when the waiting thread is interrupted (the result is left as it is)
   */
  void await(CompletableFuture<?> result) throws InterruptedException {
    if (Thread.currentThread() != waiter) {
      throw new IllegalStateException("only the calling thread may wait for its call");
    }
    result.whenComplete((v, e) -> LockSupport.unpark(waiter));
    try {
      while (!result.isDone()) {
        Runnable task = tasks.poll();
        if (task != null) {
          task.run();
        } else {
          LockSupport.park(this);
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
      }
    } finally {
      waiting = false;
      Runnable task;
      while ((task = tasks.poll()) != null) {
        fallback.execute(task);
      }
    }
  }
}
