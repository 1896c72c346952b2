package io.barrel.p2p.crdt;

import java.util.List;

/**
 * What one operation or merge changed in a replica: entries that became visible and entries that
 * went away, each listed once, in dot order. Merging something already merged (duplicates, one's own
 * delta echoed back) changes nothing, so a listener emitting one event per listed entry emits each
 * event exactly once per node.
 *
 * @param added entries now present that were not before
 * @param removed entries present before that are not now
 * @param <V> the value type
 */
public record OrMapChange<V>(List<OrMapEntry<V>> added, List<OrMapEntry<V>> removed) {

  /** Copies both lists. */
  public OrMapChange {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
  }

  /** The change of an operation that changed nothing. */
  public static <V> OrMapChange<V> none() {
    return new OrMapChange<>(List.of(), List.of());
  }

  /** True when nothing was added or removed. */
  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty();
  }
}
