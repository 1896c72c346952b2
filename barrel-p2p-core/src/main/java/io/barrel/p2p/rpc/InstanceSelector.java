package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Puts the instance filter, outlier ejection, concurrency cap and balancer together to choose the
 * instance for one call attempt. Thread-safe; one per service (or per service and call options).
 *
 * <p>Order: live instances → those the {@link InstanceFilter} accepts → minus those this call already
 * tried → sorted by node, then instance id → {@link OutlierEjection#admitted} → minus instances at
 * their cap → {@link LoadBalancer#choose} → a slot taken on the choice. If another thread fills the
 * chosen instance's last slot in between, it is dropped and the balancer asked again.
 */
public final class InstanceSelector {

  /** The stable order balancers see: by node, then instance id (then incarnation, for restarts). */
  static final Comparator<ServiceInstance> ORDER = Comparator.comparing(ServiceInstance::node)
      .thenComparing(ServiceInstance::instanceId).thenComparingLong(ServiceInstance::incarnation);

  private final LoadBalancer balancer;
  private final InstanceFilter filter;
  private final OutlierEjection ejection;
  private final InstanceLoad load;

  /**
   * Creates a selector.
   *
   * @param balancer picks among the acceptable instances
   * @param filter version and tags the instances must have
   * @param ejection failures and ejections per instance
   * @param load calls in flight per instance, and the cap
   */
  public InstanceSelector(LoadBalancer balancer, InstanceFilter filter, OutlierEjection ejection,
      InstanceLoad load) {
    this.balancer = Objects.requireNonNull(balancer, "balancer");
    this.filter = Objects.requireNonNull(filter, "filter");
    this.ejection = Objects.requireNonNull(ejection, "ejection");
    this.load = Objects.requireNonNull(load, "load");
  }

  /**
   * Chooses the instance for one attempt of a call.
   *
   * @param live the service's live instances (any order)
   * @param exclude instances this call already tried (matched by identity, not metadata)
   * @param call the call; its {@code outstanding} should read {@link #load()}
   * @return {@link Selection.Chosen} with a slot taken on the instance (the caller releases it via
   *     {@code load().release}), {@link Selection.NoneAvailable} or {@link Selection.AllSaturated}
   */
  public Selection select(List<ServiceInstance> live, Set<ServiceInstance> exclude, CallContext call) {
    if (live.isEmpty()) {
      return new Selection.NoneAvailable("no instance is registered");
    }
    Set<InstanceKey> tried = keys(exclude);
    List<ServiceInstance> candidates = new ArrayList<>(live.size());
    int matching = 0;
    for (ServiceInstance instance : live) {
      if (filter.test(instance)) {
        matching++;
        if (tried.isEmpty() || !tried.contains(InstanceKey.of(instance))) {
          candidates.add(instance);
        }
      }
    }
    if (matching == 0) {
      return new Selection.NoneAvailable("none of the " + live.size() + " live instances matches "
          + filter.describe());
    }
    if (candidates.isEmpty()) {
      return new Selection.NoneAvailable("this call already tried " + (matching == 1 ? "the only" : "all "
          + matching) + " matching instance" + (matching == 1 ? "" : "s"));
    }
    if (!sorted(candidates)) {
      candidates.sort(ORDER);
    }
    List<ServiceInstance> admitted = ejection.admitted(candidates);
    List<ServiceInstance> open = new ArrayList<>(admitted.size());
    for (ServiceInstance instance : admitted) {
      if (!load.saturated(instance)) {
        open.add(instance);
      }
    }
    while (!open.isEmpty()) {
      ServiceInstance chosen = choose(open, call);
      if (chosen == null) {
        break;
      }
      if (load.tryAcquire(chosen)) {
        return new Selection.Chosen(chosen);
      }
      // Another call took the last slot since the saturation check: ask again without it.
      open.remove(chosen);
    }
    if (open.isEmpty()) {
      return new Selection.AllSaturated(admitted.size());
    }
    // The balancer refused every open instance; if it would take a saturated one, the cap is the cause.
    if (open.size() < admitted.size() && choose(admitted, call) != null) {
      return new Selection.AllSaturated(admitted.size() - open.size());
    }
    return new Selection.NoneAvailable(balancer.noChoiceReason(open, call));
  }

  private ServiceInstance choose(List<ServiceInstance> candidates, CallContext call) {
    Optional<ServiceInstance> choice = balancer.choose(candidates, call);
    if (choice == null) {
      throw new IllegalStateException("load balancer " + balancer + " returned null instead of an Optional");
    }
    if (choice.isEmpty()) {
      return null;
    }
    ServiceInstance chosen = choice.get();
    for (ServiceInstance c : candidates) {
      if (c == chosen) {
        return chosen;
      }
    }
    if (candidates.contains(chosen)) {
      return chosen;
    }
    throw new IllegalStateException("load balancer " + balancer + " chose " + chosen.instanceId() + " on "
        + chosen.node() + ", which is not one of its candidates");
  }

  private static boolean sorted(List<ServiceInstance> instances) {
    for (int i = 1; i < instances.size(); i++) {
      if (ORDER.compare(instances.get(i - 1), instances.get(i)) > 0) {
        return false;
      }
    }
    return true;
  }

  private static Set<InstanceKey> keys(Set<ServiceInstance> instances) {
    if (instances.isEmpty()) {
      return Set.of();
    }
    Set<InstanceKey> keys = new HashSet<>();
    for (ServiceInstance instance : instances) {
      keys.add(InstanceKey.of(instance));
    }
    return keys;
  }

  /** The balancer. */
  public LoadBalancer balancer() {
    return balancer;
  }

  /** The instance filter. */
  public InstanceFilter filter() {
    return filter;
  }

  /** Calls in flight per instance; release a {@link Selection.Chosen} instance's slot here. */
  public InstanceLoad load() {
    return load;
  }

  /** Failures and ejections per instance; report each attempt's outcome here. */
  public OutlierEjection ejection() {
    return ejection;
  }
}
