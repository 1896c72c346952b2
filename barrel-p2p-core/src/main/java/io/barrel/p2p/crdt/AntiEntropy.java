package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Digests and what-is-missing answers for {@link OrMap}.
 *
 * <p>The answer must be a valid fragment: a context {@code D} drawn from ours, with exactly our
 * entries whose dots are in {@code D}. The classic mistake is to ship only the entries a peer lacks
 * together with our whole context: the peer then reads every entry we both hold but did not ship as
 * removed, and drops it. Shipping our whole state instead is correct but costs the whole state. So,
 * per node {@code n}, with the peer's version-vector entry {@code p}:
 *
 * <ul>
 *   <li>above {@code p}, the peer has not observed everything: send our context there and the
 *       entries in it (new entries, and removals as context without entries);
 *   <li>at or below {@code p}, the peer has observed every dot and holds some. If it holds exactly the
 *       dots we hold (same fingerprint), nothing below {@code p} needs saying. Otherwise send our
 *       context below {@code p} minus the dots we hold: pure removals, which delete on the peer
 *       exactly what it holds and we removed, and cannot touch what we both hold.
 * </ul>
 */
final class AntiEntropy {

  private AntiEntropy() {}

  /**
   * The digest of {@code context}, within the codec's bounds ({@code max-nodes} lines and
   * {@code max-total-bytes}). A replica whose context names more nodes than that (every node that
   * ever wrote stays in it) leaves lines out rather than failing the exchange: the nodes whose
   * entries it holds first, then those it knows only removals of, each group in name order. A line
   * left out reads to the peer as "knows nothing of that node", so its answer carries that node's
   * whole context and entries: more bytes, still a valid fragment, never a wrong one.
   */
  static <V> Digest digest(DotStore<V> store, Map<NodeName, RangeSet> context, CrdtConfig config) {
    TreeMap<NodeName, Digest.NodeSummary> holding = new TreeMap<>();
    TreeMap<NodeName, Digest.NodeSummary> removalsOnly = new TreeMap<>();
    context.forEach((node, set) -> {
      long prefix = set.prefix();
      if (prefix > 0) {
        Collection<OrMapEntry<V>> held = store.of(node, 1, prefix).values();
        (held.isEmpty() ? removalsOnly : holding).put(node, new Digest.NodeSummary(prefix, held.size(),
            fingerprint(held)));
      }
    });
    TreeMap<NodeName, Digest.NodeSummary> out = new TreeMap<>();
    long budget = config.maxTotalBytes() - OrMapCodec.HEADER_BYTES;
    for (Map<NodeName, Digest.NodeSummary> group : List.of(holding, removalsOnly)) {
      for (Map.Entry<NodeName, Digest.NodeSummary> line : group.entrySet()) {
        long bytes = DigestFormat.lineBytes(line.getKey());
        if (out.size() == config.maxNodes() || bytes > budget) {
          return new Digest(out);
        }
        budget -= bytes;
        out.put(line.getKey(), line.getValue());
      }
    }
    return new Digest(out);
  }

  static <V> OrMapDelta<V> missingFor(DotStore<V> store, Map<NodeName, RangeSet> context, Digest remote) {
    List<OrMapEntry<V>> entries = new ArrayList<>();
    TreeMap<NodeName, RangeSet> speaks = new TreeMap<>();
    context.forEach((node, set) -> {
      Digest.NodeSummary theirs = remote.nodes().get(node);
      long prefix = theirs == null ? 0 : theirs.counter();
      RangeSet above = prefix >= set.max() ? RangeSet.EMPTY : set.clip(prefix + 1, Long.MAX_VALUE);
      if (!above.isEmpty()) {
        entries.addAll(store.of(node, prefix + 1, Long.MAX_VALUE).values());
      }
      RangeSet removals = RangeSet.EMPTY;
      if (theirs != null) {
        Collection<OrMapEntry<V>> held = store.of(node, 1, prefix).values();
        if (held.size() != theirs.liveCount() || fingerprint(held) != theirs.liveHash()) {
          long[] counters = new long[held.size()];
          int i = 0;
          for (OrMapEntry<V> entry : held) {
            counters[i++] = entry.dot().counter();
          }
          removals = set.clip(1, prefix).minus(counters);
        }
      }
      RangeSet joined = removals.union(above);
      if (!joined.isEmpty()) {
        speaks.put(node, joined);
      }
    });
    return new OrMapDelta<>(entries, new CausalContext(speaks));
  }

  private static <V> long fingerprint(Collection<OrMapEntry<V>> held) {
    long hash = 0;
    for (OrMapEntry<V> entry : held) {
      hash = Digest.NodeSummary.fingerprint(hash, entry.dot().counter());
    }
    return hash;
  }
}
