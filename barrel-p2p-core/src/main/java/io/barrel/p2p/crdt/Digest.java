package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a replica tells a peer so the peer can send back only what is missing
 * ({@link OrMap#missingFor}): per node, its version-vector entry and a fingerprint of the entries it
 * still holds below it. The fingerprint is what lets the peer also send removals without shipping
 * its whole context: when both sides hold the same dots below the entry, there is nothing to remove.
 *
 * @param nodes per node with a version-vector entry, its summary
 */
public record Digest(SortedMap<NodeName, NodeSummary> nodes) {

  /** The digest of a replica that has observed nothing: the answer to it is the peer's full state. */
  public static final Digest EMPTY = new Digest(new TreeMap<>());

  /** Copies the map. */
  public Digest {
    nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
  }

  /** The version vector this digest carries. */
  public SortedMap<NodeName, Long> versionVector() {
    TreeMap<NodeName, Long> out = new TreeMap<>();
    nodes.forEach((node, summary) -> out.put(node, summary.counter()));
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * One node's line of a digest.
   *
   * @param counter the version-vector entry: the sender has observed counters {@code 1..counter}
   * @param liveCount how many of those dots the sender still holds an entry for
   * @param liveHash a fingerprint of exactly which ({@link #fingerprint})
   */
  public record NodeSummary(long counter, long liveCount, long liveHash) {

    /** Checks the counts. */
    public NodeSummary {
      if (counter < 1) {
        throw new IllegalArgumentException("a version-vector entry is at least 1, got " + counter);
      }
      if (liveCount < 0 || liveCount > counter) {
        throw new IllegalArgumentException("live dots must be 0.." + counter + ", got " + liveCount);
      }
    }

    /**
     * Adds one held counter to a fingerprint. The sum of a strong 64-bit mix is order-independent
     * and incremental; an accidental collision between two different live sets is a 2^-64 event, and
     * a peer forging one only withholds removals from itself.
     */
    public static long fingerprint(long hash, long counter) {
      long z = counter + 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return hash + (z ^ (z >>> 31));
    }
  }
}
