package io.barrel.p2p.crdt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A fragment of OR-Map state: some entries and a causal context. One shape serves for a write's
 * delta, a full state for a late joiner, and an anti-entropy chunk, because all three are the same
 * thing: a context {@code D} and exactly the entries the sender holds whose dots are in {@code D}.
 * Merging such a fragment anywhere is safe in any order, any number of times; splitting one along
 * its context ({@link #split}) gives fragments that are each safe on their own.
 *
 * <p>Reading it: an entry listed is present; a dot in the context but not listed was removed; a dot
 * outside the context is not spoken for. Invariants (checked): entries sorted by dot, one per dot,
 * and every entry's dot inside the context.
 *
 * @param entries the entries, sorted by dot
 * @param context the dots this fragment speaks for
 * @param <V> the value type
 */
public record OrMapDelta<V>(List<OrMapEntry<V>> entries, CausalContext context) {

  private static final OrMapDelta<?> EMPTY = new OrMapDelta<>(List.of(), CausalContext.EMPTY);

  /** Sorts the entries and checks the invariants. */
  public OrMapDelta {
    Objects.requireNonNull(context, "context");
    List<OrMapEntry<V>> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(OrMapEntry::dot));
    for (int i = 0; i < sorted.size(); i++) {
      Dot dot = sorted.get(i).dot();
      if (i > 0 && sorted.get(i - 1).dot().equals(dot)) {
        throw new IllegalArgumentException("two entries share dot " + dot);
      }
      if (!context.contains(dot)) {
        throw new IllegalArgumentException("entry dot " + dot + " lies outside the delta's causal context");
      }
    }
    entries = List.copyOf(sorted);
  }

  /** The fragment that says nothing. */
  @SuppressWarnings("unchecked")
  public static <V> OrMapDelta<V> empty() {
    return (OrMapDelta<V>) EMPTY;
  }

  /** True when it carries neither entries nor context, so sending it would change nothing anywhere. */
  public boolean isEmpty() {
    return entries.isEmpty() && context.isEmpty();
  }

  /**
   * The join of two fragments (or states): an entry survives unless the other side has observed its
   * dot and no longer holds it; contexts unite. Commutative, associative and idempotent.
   */
  public OrMapDelta<V> join(OrMapDelta<V> other) {
    List<OrMapEntry<V>> out = new ArrayList<>(entries.size() + other.entries.size());
    int i = 0;
    int j = 0;
    while (i < entries.size() || j < other.entries.size()) {
      OrMapEntry<V> mine = i < entries.size() ? entries.get(i) : null;
      OrMapEntry<V> theirs = j < other.entries.size() ? other.entries.get(j) : null;
      int order = mine == null ? 1 : theirs == null ? -1 : mine.dot().compareTo(theirs.dot());
      if (order == 0) {
        out.add(OrMapEntry.preferred(mine, theirs));
        i++;
        j++;
      } else if (order < 0) {
        if (!other.context.contains(mine.dot())) {
          out.add(mine);
        }
        i++;
      } else {
        if (!context.contains(theirs.dot())) {
          out.add(theirs);
        }
        j++;
      }
    }
    return new OrMapDelta<>(out, context.union(other.context));
  }

  /**
   * Splits this fragment into fragments of at most {@code maxEntries} entries and
   * {@code maxRanges} context ranges each. Their join is this fragment, and each is a valid fragment
   * on its own, so losing some of them loses only what they carried.
   */
  public List<OrMapDelta<V>> split(int maxEntries, int maxRanges) {
    if (maxEntries < 1 || maxRanges < 1) {
      throw new IllegalArgumentException("chunks need room for at least one entry and one range");
    }
    return DeltaSplitter.split(this, new DeltaSplitter.Budget<>() {
      @Override
      public int maxEntries() {
        return maxEntries;
      }

      @Override
      public int maxRanges() {
        return maxRanges;
      }
    });
  }
}
