package io.barrel.p2p.rpc;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where service methods run on the server: never on a Netty event loop or the protocol executor,
 * at most {@code maxConcurrent} at once, with at most {@code maxQueued} more waiting in arrival
 * order. A call beyond that is turned away at once ({@link #tryExecute} returns false) so the
 * server can answer {@link FailureKind#OVERLOADED} and the caller try elsewhere, instead of
 * queueing without bound and missing every deadline.
 *
 * <p>Threads: virtual threads when the JVM has them (21+, looked up reflectively because the
 * project compiles to Java 17), so a blocking service method costs little; otherwise a pool of
 * {@code maxConcurrent} daemon threads that time out when idle.
 */
public final class ServiceCallExecutor implements Executor, AutoCloseable {

  private final ExecutorService threads;
  private final boolean virtualThreads;
  private final int maxConcurrent;
  private final int maxQueued;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** Calls admitted and not yet finished: queued plus running. */
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger workers = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong rejected = new AtomicLong();
  private volatile boolean closed;

  private ServiceCallExecutor(ExecutorService threads, boolean virtualThreads, int maxConcurrent, int maxQueued) {
    this.threads = threads;
    this.virtualThreads = virtualThreads;
    this.maxConcurrent = maxConcurrent;
    this.maxQueued = maxQueued;
  }

  /**
   * An executor on virtual threads when available, else on its own pool.
   *
   * @param maxConcurrent service methods running at once, 1..100,000
   * @param maxQueued calls waiting beyond those, 0..1,000,000
   */
  public static ServiceCallExecutor create(int maxConcurrent, int maxQueued) {
    check(maxConcurrent, maxQueued);
    ExecutorService virtual = virtualThreadExecutor();
    if (virtual != null) {
      return new ServiceCallExecutor(virtual, true, maxConcurrent, maxQueued);
    }
    return new ServiceCallExecutor(pool(maxConcurrent), false, maxConcurrent, maxQueued);
  }

  /** An executor on a pool of platform threads, whatever the JVM (for tests and for those who want it). */
  public static ServiceCallExecutor onPlatformThreads(int maxConcurrent, int maxQueued) {
    check(maxConcurrent, maxQueued);
    return new ServiceCallExecutor(pool(maxConcurrent), false, maxConcurrent, maxQueued);
  }

  private static void check(int maxConcurrent, int maxQueued) {
    if (maxConcurrent < 1 || maxConcurrent > 100_000) {
      throw new IllegalArgumentException("max concurrent calls must be 1..100000, got " + maxConcurrent);
    }
    if (maxQueued < 0 || maxQueued > 1_000_000) {
      throw new IllegalArgumentException("max queued calls must be 0..1000000, got " + maxQueued);
    }
  }

  private static ExecutorService virtualThreadExecutor() {
    try {
      Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static ExecutorService pool(int size) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "barrel-p2p-rpc-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    // The pool never queues: this class starts at most maxConcurrent workers and keeps the queue itself.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        factory);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Runs {@code call} when a slot is free, in arrival order.
   *
   * @return false, without running it, when {@code maxConcurrent} calls run and {@code maxQueued}
   *     wait, or the executor is closed
   */
  public boolean tryExecute(Runnable call) {
    Objects.requireNonNull(call, "call");
    if (closed) {
      rejected.incrementAndGet();
      return false;
    }
    if (admitted.incrementAndGet() > maxConcurrent + maxQueued) {
      admitted.decrementAndGet();
      rejected.incrementAndGet();
      return false;
    }
    queue.add(call);
    startWorkerIfNeeded();
    return true;
  }

  /**
   * {@link #tryExecute} for code that wants the {@link Executor} contract.
   *
   * @throws RejectedExecutionException when the call is turned away
   */
  @Override
  public void execute(Runnable call) {
    if (!tryExecute(call)) {
      throw new RejectedExecutionException(closed ? "the service executor is closed"
          : "service executor full: " + maxConcurrent + " calls running and " + maxQueued + " queued");
    }
  }

  private void startWorkerIfNeeded() {
    while (true) {
      int w = workers.get();
      if (w >= maxConcurrent || queue.isEmpty()) {
        return;
      }
      if (workers.compareAndSet(w, w + 1)) {
        try {
          threads.execute(this::work);
        } catch (RejectedExecutionException e) {
          // Closed underneath us: the queued calls are dropped with it.
          workers.decrementAndGet();
        }
        return;
      }
    }
  }

  private void work() {
    while (true) {
      Runnable call = queue.poll();
      if (call == null) {
        workers.decrementAndGet();
        // A call queued after the poll but before the decrement found every worker busy; take it on.
        if (queue.isEmpty() || !reclaimWorker()) {
          return;
        }
        continue;
      }
      running.incrementAndGet();
      try {
        call.run();
      } catch (RuntimeException e) {
        // The RPC layer turns service exceptions into failure frames; anything here is a bug in a task,
        // and it must not take the worker with it.
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      } catch (Error e) {
        // This worker dies with the error; another one takes over the queue.
        workers.decrementAndGet();
        startWorkerIfNeeded();
        throw e;
      } finally {
        running.decrementAndGet();
        admitted.decrementAndGet();
        // A call may have left the interrupt flag set; it must not reach the next one.
        Thread.interrupted();
      }
    }
  }

  private boolean reclaimWorker() {
    while (true) {
      int w = workers.get();
      if (w >= maxConcurrent) {
        return false;
      }
      if (workers.compareAndSet(w, w + 1)) {
        return true;
      }
    }
  }

  /** True when calls run on virtual threads. */
  public boolean usesVirtualThreads() {
    return virtualThreads;
  }

  /** Most calls running at once. */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /** Most calls waiting. */
  public int maxQueued() {
    return maxQueued;
  }

  /** Calls running now. */
  public int running() {
    return running.get();
  }

  /** Calls waiting now. */
  public int queued() {
    return Math.max(0, admitted.get() - running.get());
  }

  /** Calls turned away since creation. */
  public long rejectedCount() {
    return rejected.get();
  }

  /** Refuses new calls and stops the threads once the running ones finish; queued calls are dropped. */
  @Override
  public void close() {
    closed = true;
    queue.clear();
    threads.shutdown();
  }

  /** Waits for running calls to finish after {@link #close()}. */
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return threads.awaitTermination(timeout, unit);
  }
}
