package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls in flight per instance from this client, and the per-instance concurrency cap. The
 * power-of-two-choices balancer reads the counts; the cap keeps one caller from piling more than
 * {@code maxConcurrentPerInstance} calls onto one instance (0 = no cap). Thread-safe; an instance
 * with nothing in flight takes no memory.
 */
public final class InstanceLoad {

  private final int maxConcurrentPerInstance;
  private final ConcurrentHashMap<InstanceKey, Integer> inFlight = new ConcurrentHashMap<>();

  /**
   * Creates an empty count.
   *
   * @param maxConcurrentPerInstance the most calls in flight on one instance, 0 for no cap
   */
  public InstanceLoad(int maxConcurrentPerInstance) {
    if (maxConcurrentPerInstance < 0) {
      throw new IllegalArgumentException("max concurrent calls per instance must be 0 (no cap) or more, got "
          + maxConcurrentPerInstance);
    }
    this.maxConcurrentPerInstance = maxConcurrentPerInstance;
  }

  /** The cap, 0 for none. */
  public int maxConcurrentPerInstance() {
    return maxConcurrentPerInstance;
  }

  /**
   * Takes a slot on {@code instance} for one call; false, taking nothing, when the instance is at
   * its cap. Every true must be matched by one {@link #release}.
   */
  public boolean tryAcquire(ServiceInstance instance) {
    boolean[] acquired = new boolean[1];
    inFlight.compute(InstanceKey.of(instance), (key, n) -> {
      int current = n == null ? 0 : n;
      if (maxConcurrentPerInstance > 0 && current >= maxConcurrentPerInstance) {
        return n;
      }
      acquired[0] = true;
      return current + 1;
    });
    return acquired[0];
  }

  /**
   * Gives back a slot taken by {@link #tryAcquire}.
   *
   * @throws IllegalStateException when {@code instance} has no slot taken: a release without its
   *     acquire is a bug in the caller, and ignoring it would skew every count after it
   */
  public void release(ServiceInstance instance) {
    InstanceKey key = InstanceKey.of(instance);
    boolean[] released = new boolean[1];
    inFlight.computeIfPresent(key, (k, n) -> {
      released[0] = true;
      return n == 1 ? null : n - 1;
    });
    if (!released[0]) {
      throw new IllegalStateException("released a call slot on " + key.service() + " instance " + key.instanceId()
          + " on " + key.node() + " that has none taken");
    }
  }

  /** Calls in flight on {@code instance}. */
  public int outstanding(ServiceInstance instance) {
    Integer n = inFlight.get(InstanceKey.of(instance));
    return n == null ? 0 : n;
  }

  /** Whether {@code instance} is at its cap (never, without a cap). */
  public boolean saturated(ServiceInstance instance) {
    return maxConcurrentPerInstance > 0 && outstanding(instance) >= maxConcurrentPerInstance;
  }

  /** Calls in flight on every instance together. */
  public int total() {
    int sum = 0;
    for (Integer n : inFlight.values()) {
      sum += n;
    }
    return sum;
  }
}
