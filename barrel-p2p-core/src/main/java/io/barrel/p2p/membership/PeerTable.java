package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.random.RandomGenerator;

/**
 * Distinct peers, each with a fixed number of numeric attributes and an optional value, stored in
 * flat arrays, in the order they were added as long as only {@link #removeAt} takes them out. The
 * views and records of a node hold a handful to a few dozen peers and are consulted on every
 * message; a scan of their names' hashes, which sit next to each other in one array, costs less
 * than a hash map's chain of scattered objects, and iterating in order allocates nothing. Lookups
 * are linear in the size, which the configuration bounds ({@code passive-size}, {@code active-size}).
 *
 * <p>Random choices take a slot filter and draw from the filtered peers in table order: one peer
 * is {@code nextInt(n)} into them, {@code k} peers a partial Fisher–Yates shuffle of them, so a
 * seeded run makes the same choices whatever the filter's cost.
 *
 * <p>Not final: the views and the lost-peer record are tables themselves rather than holders of
 * one. In a 10,000-node simulation a node's state is touched rarely and is out of cache each time,
 * and every object between an input and a view's names is one more dependent cache miss; a view
 * that wraps a table costs one more such miss on nearly every message.
 *
 * @param <V> the value attached to each peer; {@code Void} when only the attributes are used
 */
class PeerTable<V> {

  /**
   * A test of a peer given with its name's hash, which a table keeps next to the name: most peers
   * fail on the hash alone, so the test need not read the name object itself.
   */
  @FunctionalInterface
  interface Filter {
    boolean test(NodeName peer, int hash);
  }

  private final int columns;
  private int capacity;
  private NodeName[] names;
  private int[] hashes;
  private long[] attributes;
  private Object[] values;
  private int size;

  /**
   * A table of peers with numeric attributes and no values (every slot's value is null).
   *
   * @param columns numeric attributes per peer, each read and written by its column number
   * @param initialCapacity peers before the arrays first grow
   */
  PeerTable(int columns, int initialCapacity) {
    this(columns, initialCapacity, false);
  }

  /**
   * @param columns numeric attributes per peer, each read and written by its column number
   * @param initialCapacity peers before the arrays first grow
   * @param withValues whether peers carry a value; a table without spares the array
   */
  PeerTable(int columns, int initialCapacity, boolean withValues) {
    this.capacity = Math.max(1, initialCapacity);
    this.columns = columns;
    this.names = new NodeName[capacity];
    this.hashes = new int[capacity];
    this.attributes = new long[capacity * columns];
    this.values = withValues ? new Object[capacity] : null;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The slot of {@code peer}, or -1. */
  int indexOf(NodeName peer) {
    return indexOf(peer, peer.hashCode());
  }

  /** The slot of {@code peer}, whose hash is {@code hash}, or -1. */
  int indexOf(NodeName peer, int hash) {
    for (int i = 0; i < size; i++) {
      if (hashes[i] == hash && (names[i] == peer || names[i].equals(peer))) {
        return i;
      }
    }
    return -1;
  }

  boolean contains(NodeName peer) {
    return indexOf(peer) >= 0;
  }

  boolean contains(NodeName peer, int hash) {
    return indexOf(peer, hash) >= 0;
  }

  /** True when {@code slot} holds one of {@code peers}. */
  boolean holdsAny(int slot, NodeName[] peers) {
    for (NodeName peer : peers) {
      if (hashes[slot] == peer.hashCode() && (names[slot] == peer || names[slot].equals(peer))) {
        return true;
      }
    }
    return false;
  }

  /** True when the peer in {@code slot} passes {@code filter}. */
  boolean passes(int slot, Filter filter) {
    return filter.test(names[slot], hashes[slot]);
  }

  NodeName name(int slot) {
    return names[slot];
  }

  @SuppressWarnings("unchecked")
  V value(int slot) {
    return values == null ? null : (V) values[slot];
  }

  // Attributes are stored peer by peer: adding, moving and updating a peer (a shuffle learns and
  // evicts eight at a time) then touches the one or two cache lines of its record, where a
  // column-by-column layout touched one line per attribute, that is nearly every line of the
  // table for a shuffle; scans that read one attribute of every peer go through the table in
  // order, which the processor prefetches.
  long get(int slot, int column) {
    return attributes[slot * columns + column];
  }

  void set(int slot, int column, long value) {
    attributes[slot * columns + column] = value;
  }

  /** Appends a peer the caller knows is absent, with zero attributes; returns its slot. */
  int add(NodeName peer, V value) {
    if (size == capacity) {
      grow();
    }
    int slot = size++;
    names[slot] = peer;
    hashes[slot] = peer.hashCode();
    if (values != null) {
      values[slot] = value;
    } else if (value != null) {
      throw new IllegalArgumentException("this table holds no values");
    }
    Arrays.fill(attributes, slot * columns, slot * columns + columns, 0L);
    return slot;
  }

  /** Removes the peer in {@code slot}; the later peers move up one slot, keeping their order. */
  void removeAt(int slot) {
    int after = size - slot - 1;
    if (after > 0) {
      System.arraycopy(names, slot + 1, names, slot, after);
      System.arraycopy(hashes, slot + 1, hashes, slot, after);
      if (values != null) {
        System.arraycopy(values, slot + 1, values, slot, after);
      }
      System.arraycopy(attributes, (slot + 1) * columns, attributes, slot * columns, after * columns);
    }
    size--;
    names[size] = null;
    if (values != null) {
      values[size] = null;
    }
  }

  /**
   * Removes the peer in {@code slot} by moving the last peer into it: constant time, for tables whose
   * order carries no meaning. Returns the slot the last peer moved from (the old size - 1).
   */
  int removeSwapping(int slot) {
    int last = size - 1;
    if (slot != last) {
      names[slot] = names[last];
      hashes[slot] = hashes[last];
      if (values != null) {
        values[slot] = values[last];
      }
      System.arraycopy(attributes, last * columns, attributes, slot * columns, columns);
    }
    size = last;
    names[last] = null;
    if (values != null) {
      values[last] = null;
    }
    return last;
  }

  /** Removes {@code peer}; false when it was absent. */
  boolean remove(NodeName peer) {
    int slot = indexOf(peer);
    if (slot < 0) {
      return false;
    }
    removeAt(slot);
    return true;
  }

  void clear() {
    Arrays.fill(names, 0, size, null);
    if (values != null) {
      Arrays.fill(values, 0, size, null);
    }
    size = 0;
  }

  /** How many slots pass {@code allowed}. */
  int count(IntPredicate allowed) {
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (allowed.test(i)) {
        n++;
      }
    }
    return n;
  }

  /** The peers of the slots that pass {@code allowed}, in order (a copy). */
  List<NodeName> names(IntPredicate allowed) {
    List<NodeName> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      if (allowed.test(i)) {
        out.add(names[i]);
      }
    }
    return out;
  }

  /** Every peer, in order, as an unmodifiable snapshot. */
  Set<NodeName> snapshot() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(names).subList(0, size)));
  }

  /**
   * A slot chosen uniformly among those that pass {@code allowed}, or -1 when none does (no draw
   * then). {@code allowed} is called twice per slot and must not change anything.
   */
  int randomSlot(RandomGenerator random, IntPredicate allowed) {
    int n = count(allowed);
    if (n == 0) {
      return -1;
    }
    int index = random.nextInt(n);
    for (int i = 0; i < size; i++) {
      if (allowed.test(i) && index-- == 0) {
        return i;
      }
    }
    throw new AssertionError("a slot filter changed its answer while sampling");
  }

  /** A peer chosen as {@link #randomSlot} chooses it. */
  Optional<NodeName> random(RandomGenerator random, IntPredicate allowed) {
    int slot = randomSlot(random, allowed);
    return slot < 0 ? Optional.empty() : Optional.of(names[slot]);
  }

  /**
   * Up to {@code k} distinct peers chosen uniformly among the slots that pass {@code allowed}, in
   * the order drawn (a partial Fisher–Yates shuffle of the filtered peers).
   */
  List<NodeName> sample(int k, RandomGenerator random, IntPredicate allowed) {
    // A fresh array, not a scratch field: it is made where allocation happens, in cache, while a
    // field of each table would be one more cold cache line to read at every draw.
    NodeName[] pool = new NodeName[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (allowed.test(i)) {
        pool[n++] = names[i];
      }
    }
    int take = Math.min(k, n);
    for (int i = 0; i < take; i++) {
      int j = i + random.nextInt(n - i);
      NodeName swap = pool[i];
      pool[i] = pool[j];
      pool[j] = swap;
    }
    return List.of(Arrays.copyOf(pool, take));
  }

  private void grow() {
    int larger = capacity * 2;
    names = Arrays.copyOf(names, larger);
    hashes = Arrays.copyOf(hashes, larger);
    if (values != null) {
      values = Arrays.copyOf(values, larger);
    }
    attributes = Arrays.copyOf(attributes, larger * columns);
    capacity = larger;
  }
}
