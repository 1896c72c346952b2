package io.barrel.p2p.registry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A bounded mailbox of registry events that its owner reads at its own pace, the pull-based
 * alternative to {@link Registry#subscribe}. The registry puts each selected event in, once per
 * change and in order, in the same turn that makes the change; no thread is woken unless one is
 * waiting in {@link #poll(Duration)} or {@link #take()}. So a thread that registers and then polls
 * finds its own {@code Registered} event already there.
 *
 * <p>The mailbox never grows past its capacity: an event that finds it full is dropped and counted
 * in {@link #missed()}. A reader that sees {@code missed()} grow has lost changes and should re-read
 * the state it tracks ({@link Registry#lookup}, {@link Registry#list}) — the same recovery a
 * subscriber needs after a restart. Closing the mailbox (or the registry) stops the deliveries and
 * wakes every waiting reader; the events still inside can be read.
 */
public final class ServiceEventQueue implements AutoCloseable {

  private final ServiceFilter filter;
  private final int capacity;
  private final Consumer<ServiceEventQueue> onClose;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<ServiceEvent> events = new ArrayDeque<>();
  private long missed;
  private int waiting;
  private boolean closed;

  ServiceEventQueue(ServiceFilter filter, int capacity, Consumer<ServiceEventQueue> onClose) {
    if (capacity < 1) {
      throw new IllegalArgumentException("an event queue needs a capacity of at least 1, got " + capacity);
    }
    this.filter = Objects.requireNonNull(filter, "filter");
    this.capacity = capacity;
    this.onClose = Objects.requireNonNull(onClose, "onClose");
  }

  /** The filter this mailbox was opened with. */
  public ServiceFilter filter() {
    return filter;
  }

  /** The most events it holds; more are dropped and counted in {@link #missed()}. */
  public int capacity() {
    return capacity;
  }

  /**
   * Puts an event in, from the registry's turn. Returns false only when it was dropped because the
   * mailbox was full; a closed mailbox ignores it.
   */
  boolean offer(ServiceEvent event) {
    lock.lock();
    try {
      if (closed) {
        return true;
      }
      if (events.size() >= capacity) {
        missed++;
        return false;
      }
      events.addLast(event);
      if (waiting > 0) {
        changed.signal();
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The oldest event, or null at once when there is none. */
  public ServiceEvent poll() {
    lock.lock();
    try {
      return events.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The oldest event, waiting up to {@code timeout} for one; null when none came in time or the
   * mailbox is closed and empty.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public ServiceEvent poll(Duration timeout) throws InterruptedException {
    return next(Objects.requireNonNull(timeout, "timeout").toNanos(), false);
  }

  /**
   * The oldest event, waiting as long as it takes; null only once the mailbox is closed and empty.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public ServiceEvent take() throws InterruptedException {
    return next(0, true);
  }

  /** The oldest event once there is one, the mailbox is closed, or {@code nanos} ran out (unless {@code forever}). */
  private ServiceEvent next(long nanos, boolean forever) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      ServiceEvent next;
      while ((next = events.pollFirst()) == null && !closed && (forever || nanos > 0)) {
        waiting++;
        try {
          if (forever) {
            changed.await();
          } else {
            nanos = changed.awaitNanos(nanos);
          }
        } finally {
          waiting--;
        }
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /** Moves up to {@code max} events, oldest first, into {@code sink}; returns how many. */
  public int drainTo(Collection<? super ServiceEvent> sink, int max) {
    Objects.requireNonNull(sink, "sink");
    lock.lock();
    try {
      int n = 0;
      ServiceEvent next;
      while (n < max && (next = events.pollFirst()) != null) {
        sink.add(next);
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Events waiting to be read. */
  public int size() {
    lock.lock();
    try {
      return events.size();
    } finally {
      lock.unlock();
    }
  }

  /** Events dropped because the mailbox was full, since it was opened. */
  public long missed() {
    lock.lock();
    try {
      return missed;
    } finally {
      lock.unlock();
    }
  }

  /** Readers waiting in {@link #poll(Duration)} or {@link #take()} now; for tests and diagnostics. */
  int waitingReaders() {
    lock.lock();
    try {
      return waiting;
    } finally {
      lock.unlock();
    }
  }

  /** True once closed, by its owner or by the registry's close. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the deliveries and wakes every waiting reader; the events inside stay readable. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    onClose.accept(this);
  }
}
