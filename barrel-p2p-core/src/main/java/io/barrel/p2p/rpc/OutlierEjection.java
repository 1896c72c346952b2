package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Tracks consecutive call failures per instance and ejects outliers for a while, following an
 * {@link OutlierPolicy}. Thread-safe and free of timers: an ejection ends by itself when the clock
 * passes its end, checked whenever the instance is looked at.
 *
 * <p>Instances are told apart by service, node, incarnation and instance id, not by metadata. The
 * state kept is one small entry per instance that is failing or was ejected recently; an instance
 * with a clean record has none. One object serves one service's instances (or several services', as
 * long as {@link #retain} is given every live instance it tracks).
 */
public final class OutlierEjection {

  /**
   * One instance's record: failures since its last success or ejection; ejections not yet forgotten
   * as of the end of the last one (0 = never ejected, or all forgotten); when the last ejection ends.
   */
  private record Health(int failures, int ejections, long ejectedUntil) {

    boolean ejectedAt(long now) {
      return ejections > 0 && now - ejectedUntil < 0;
    }
  }

  private final OutlierPolicy policy;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<InstanceKey, Health> health = new ConcurrentHashMap<>();
  private final AtomicLong ejections = new AtomicLong();

  /**
   * Creates an empty tracker.
   *
   * @param policy when to eject and for how long
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   */
  public OutlierEjection(OutlierPolicy policy, LongSupplier nanoTime) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** The policy followed. */
  public OutlierPolicy policy() {
    return policy;
  }

  /**
   * A call to {@code instance} succeeded: its failures in a row start over. An ejection in progress
   * is not shortened (in panic mode an ejected instance still serves calls; its period runs out as
   * planned).
   */
  public void onSuccess(ServiceInstance instance) {
    if (!policy.enabled()) {
      return;
    }
    long now = nanoTime.getAsLong();
    health.computeIfPresent(InstanceKey.of(instance), (key, h) -> {
      if (!h.ejectedAt(now) && remembered(h, now) == 0) {
        // A clean record needs no entry: the map holds only instances failing or ejected recently.
        return null;
      }
      return h.failures == 0 ? h : new Health(0, h.ejections, h.ejectedUntil);
    });
  }

  /**
   * A call to {@code instance} failed in a way that counts against it (the client decides which: a
   * lost connection, an overloaded or internal error, a deadline; not the service's own exception).
   * Failures of an instance that is already ejected are ignored: they are mostly calls that were in
   * flight when it was ejected.
   *
   * @return true when this failure ejected the instance
   */
  public boolean onFailure(ServiceInstance instance) {
    if (!policy.enabled()) {
      return false;
    }
    long now = nanoTime.getAsLong();
    boolean[] ejectedNow = new boolean[1];
    health.compute(InstanceKey.of(instance), (key, h) -> {
      if (h == null) {
        h = new Health(0, 0, 0);
      } else if (h.ejectedAt(now)) {
        return h;
      }
      int failures = h.failures + 1;
      if (failures < policy.consecutiveFailures()) {
        return new Health(failures, h.ejections, h.ejectedUntil);
      }
      ejectedNow[0] = true;
      int earlier = remembered(h, now);
      // The count stops at 64: by then the period has long reached its maximum.
      return new Health(0, Math.min(earlier + 1, 64), now + policy.ejectionAfter(earlier).toNanos());
    });
    if (ejectedNow[0]) {
      ejections.incrementAndGet();
    }
    return ejectedNow[0];
  }

  /**
   * Earlier ejections that still count towards the next period, for an instance not ejected now:
   * one is forgotten for every base period spent admitted since the last one ended.
   */
  private int remembered(Health h, long now) {
    if (h.ejections == 0) {
      return 0;
    }
    long forgotten = (now - h.ejectedUntil) / policy.baseEjection().toNanos();
    return (int) Math.max(0, h.ejections - forgotten);
  }

  /** Whether {@code instance} is ejected now. */
  public boolean isEjected(ServiceInstance instance) {
    if (!policy.enabled()) {
      return false;
    }
    Health h = health.get(InstanceKey.of(instance));
    return h != null && h.ejectedAt(nanoTime.getAsLong());
  }

  /**
   * The candidates that are not ejected, in their order. Leaves out at most
   * {@code maxEjectedPercent} of them (rounded down): when more are ejected, those whose ejection
   * ends soonest are kept. When every candidate is ejected, returns them all ("panic mode": a service
   * with only bad instances still gets traffic).
   */
  public List<ServiceInstance> admitted(List<ServiceInstance> candidates) {
    if (!policy.enabled() || health.isEmpty() || candidates.isEmpty()) {
      return candidates;
    }
    long now = nanoTime.getAsLong();
    int n = candidates.size();
    long[] remaining = new long[n];
    int ejectedCount = 0;
    for (int i = 0; i < n; i++) {
      Health h = health.get(InstanceKey.of(candidates.get(i)));
      if (h != null && h.ejectedAt(now)) {
        remaining[i] = h.ejectedUntil - now;
        ejectedCount++;
      }
    }
    int maxLeftOut = (int) ((long) n * policy.maxEjectedPercent() / 100);
    if (ejectedCount == 0 || ejectedCount == n || maxLeftOut == 0) {
      return candidates;
    }
    long threshold = Long.MAX_VALUE;
    int leaveOutAtThreshold = maxLeftOut;
    if (ejectedCount > maxLeftOut) {
      // Leave out the maxLeftOut ejections that end last; ties go by candidate order (earlier ones out).
      long[] sorted = new long[ejectedCount];
      int k = 0;
      for (long r : remaining) {
        if (r > 0) {
          sorted[k++] = r;
        }
      }
      Arrays.sort(sorted);
      threshold = sorted[ejectedCount - maxLeftOut];
      leaveOutAtThreshold = 0;
      for (int i = ejectedCount - maxLeftOut; i < ejectedCount; i++) {
        if (sorted[i] == threshold) {
          leaveOutAtThreshold++;
        }
      }
    }
    List<ServiceInstance> admitted = new ArrayList<>(n - Math.min(ejectedCount, maxLeftOut));
    for (int i = 0; i < n; i++) {
      long r = remaining[i];
      boolean leaveOut = r > 0 && (r > threshold || threshold == Long.MAX_VALUE
          || (r == threshold && leaveOutAtThreshold-- > 0));
      if (!leaveOut) {
        admitted.add(candidates.get(i));
      }
    }
    return admitted;
  }

  /** Forgets every instance not in {@code live}, so memory stays bounded as instances come and go. */
  public void retain(Collection<ServiceInstance> live) {
    Set<InstanceKey> keep = new HashSet<>();
    for (ServiceInstance instance : live) {
      keep.add(InstanceKey.of(instance));
    }
    health.keySet().retainAll(keep);
  }

  /** Ejections so far, in total. */
  public long ejections() {
    return ejections.get();
  }

  /** Instances ejected right now. */
  public int ejectedNow() {
    long now = nanoTime.getAsLong();
    int count = 0;
    for (Health h : health.values()) {
      if (h.ejectedAt(now)) {
        count++;
      }
    }
    return count;
  }

  /** Instances with a record (failing or ejected recently): what this tracker holds in memory. */
  int tracked() {
    return health.size();
  }
}
