package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.crdt.Dot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replica has told its subscribers is there: the entries shown (each instance announced by
 * one {@code Registered} event), by node and dot, and the instances hidden by a removal whose cause
 * is not known yet (undecided: no event has reported them gone). Events follow instances, not dots:
 * an instance stays visible while any dot shows it, which happens for a registration the node
 * reasserted while its old dot is still held here.
 *
 * <p>Part of {@link RegistryReplica}'s state; not thread-safe.
 */
final class VisibleInstances {

  /** The shown entries of one node, and how many dots show each instance. */
  private static final class Shown {
    final Map<Dot, ServiceInstance> byDot = new HashMap<>();
    final Map<ServiceInstance, Integer> copies = new HashMap<>();
  }

  private final Map<NodeName, Shown> byNode = new HashMap<>();
  private final Map<NodeName, List<ServiceInstance>> undecided = new HashMap<>();
  private int count;

  /** Instances visible now. */
  int count() {
    return count;
  }

  /**
   * Shows {@code instance} under {@code dot}; true when subscribers are to hear of it: it was not
   * visible, and not merely hidden while undecided (they never heard it go, so it comes back
   * silently: a reasserted registration whose old dot's removal came by anti-entropy first).
   */
  boolean show(Dot dot, ServiceInstance instance) {
    Shown shown = byNode.computeIfAbsent(instance.node(), n -> new Shown());
    if (shown.byDot.putIfAbsent(dot, instance) != null) {
      return false;
    }
    if (shown.copies.merge(instance, 1, Integer::sum) > 1) {
      return false;
    }
    count++;
    List<ServiceInstance> pending = undecided.get(instance.node());
    if (pending != null && pending.remove(instance)) {
      if (pending.isEmpty()) {
        undecided.remove(instance.node());
      }
      return false;
    }
    return true;
  }

  /**
   * Stops showing the entry {@code dot}; returns its instance when that made the instance invisible,
   * null when the dot was not shown or the same instance is still shown under another dot (a
   * reasserted registration whose old dot is going).
   */
  ServiceInstance hide(Dot dot, NodeName node) {
    Shown shown = byNode.get(node);
    if (shown == null) {
      return null;
    }
    ServiceInstance removed = shown.byDot.remove(dot);
    if (removed == null) {
      return null;
    }
    if (shown.copies.merge(removed, -1, Integer::sum) > 0) {
      return null;
    }
    shown.copies.remove(removed);
    count--;
    if (shown.byDot.isEmpty()) {
      byNode.remove(node);
    }
    return removed;
  }

  /** Stops showing every entry of {@code node}; returns the instances that were visible, in dot order. */
  List<ServiceInstance> hideAll(NodeName node) {
    Shown shown = byNode.remove(node);
    if (shown == null) {
      return List.of();
    }
    count -= shown.copies.size();
    List<ServiceInstance> hidden = new ArrayList<>(shown.copies.size());
    for (ServiceInstance i : new TreeMap<>(shown.byDot).values()) {
      if (shown.copies.remove(i) != null) {
        hidden.add(i);
      }
    }
    return hidden;
  }

  boolean isShown(Dot dot, NodeName node) {
    Shown shown = byNode.get(node);
    return shown != null && shown.byDot.containsKey(dot);
  }

  boolean isShown(ServiceInstance instance) {
    Shown shown = byNode.get(instance.node());
    return shown != null && shown.copies.containsKey(instance);
  }

  /** Records a hidden instance whose removal's cause is not known yet. */
  void addUndecided(ServiceInstance instance) {
    undecided.computeIfAbsent(instance.node(), n -> new ArrayList<>()).add(instance);
  }

  /** The undecided instances of {@code node}, oldest first; a copy. */
  List<ServiceInstance> undecidedOf(NodeName node) {
    List<ServiceInstance> pending = undecided.get(node);
    return pending == null ? List.of() : List.copyOf(pending);
  }

  /** The cause of {@code instance}'s removal is known now (and reported). */
  void decided(ServiceInstance instance) {
    List<ServiceInstance> pending = undecided.get(instance.node());
    if (pending != null && pending.remove(instance) && pending.isEmpty()) {
      undecided.remove(instance.node());
    }
  }

  /** Takes out every undecided instance of {@code node}, oldest first. */
  List<ServiceInstance> takeUndecided(NodeName node) {
    List<ServiceInstance> pending = undecided.remove(node);
    return pending == null ? List.of() : pending;
  }

  /** Every undecided instance. */
  List<ServiceInstance> undecided() {
    List<ServiceInstance> out = new ArrayList<>();
    undecided.values().forEach(out::addAll);
    return out;
  }
}
