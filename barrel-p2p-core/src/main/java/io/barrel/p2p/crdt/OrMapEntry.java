package io.barrel.p2p.crdt;

import java.util.Comparator;
import java.util.Objects;

/**
 * One value stored under a key, tagged by the dot of the write that added it. Several entries may
 * share a key (concurrent adds keep both); each dot names at most one entry.
 *
 * @param dot the unique tag of the add; merges and removes work on it
 * @param key the key, 1.. UTF-8 bytes, no unpaired surrogates
 * @param value the value, compared with {@code equals}
 * @param timestamp the writer's HLC reading when it added the entry: for ordering and display only,
 *     never for deciding conflicts
 * @param <V> the value type
 */
public record OrMapEntry<V>(Dot dot, String key, V value, HlcTimestamp timestamp) {

  /** Checks every part is present and the key is well-formed. */
  public OrMapEntry {
    Objects.requireNonNull(dot, "dot");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(timestamp, "timestamp");
    String problem = keyProblem(key);
    if (problem != null) {
      throw new IllegalArgumentException("invalid key: " + problem);
    }
  }

  /** Returns why {@code key} cannot be a key, or null when it can. */
  static String keyProblem(String key) {
    if (key == null || key.isEmpty()) {
      return "a key is a non-empty string";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        // An unpaired surrogate has no UTF-8 form; it would not survive the wire.
        return "it holds an unpaired surrogate at index " + i;
      }
    }
    return null;
  }

  /**
   * Of two entries claiming the same dot, the one every replica keeps. Honest replicas never issue
   * two entries with one dot; it can only happen when a node restarts without its state and with its
   * wall clock set back. A fixed order (later timestamp, then greater key, then greater value hash)
   * keeps merges commutative even then, so replicas cannot split over it.
   */
  static <V> OrMapEntry<V> preferred(OrMapEntry<V> a, OrMapEntry<V> b) {
    if (a.equals(b)) {
      return a;
    }
    Comparator<OrMapEntry<V>> order = Comparator.<OrMapEntry<V>, HlcTimestamp>comparing(OrMapEntry::timestamp)
        .thenComparing(OrMapEntry::key)
        .thenComparingInt(e -> e.value().hashCode());
    return order.compare(a, b) >= 0 ? a : b;
  }
}
