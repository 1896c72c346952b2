package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One node's replica of a delta-state observed-remove map from string keys to sets of values
 * (Almeida, Shoker and Baquero, "Delta State Replicated Data Types", 2018): the registry's
 * {@code service name → registrations}. Pure and single-threaded: the node's protocol executor owns
 * it; it sends nothing and reads no clock but the injected one.
 *
 * <p>The rules, all decided by dots and the causal context, never by timestamps:
 *
 * <ul>
 *   <li>An add tags its entry with a fresh dot of this node. Concurrent adds under one key keep both.
 *   <li>A remove deletes exactly the dots it observed; its delta is just those dots in the context.
 *       An add the remover had not seen (a different dot) survives: add wins over a concurrent remove.
 *   <li>A merge keeps an entry unless the other side has observed its dot and no longer holds it; so
 *       a stale add arriving after its remove never resurrects, and nothing needs a tombstone.
 * </ul>
 *
 * <p>Unlike the reference system, which is a last-writer-wins map with HLC-stamped tombstones that
 * live forever, this is a true OR-Map: removal information is the context itself, compacted to a
 * version vector.
 *
 * <p>Dots must never repeat, including across restarts of a node that lost its state. So a new
 * replica starts its counter at its clock's current reading (packed HLC, strictly above every dot an
 * earlier incarnation could have issued while clocks stay within {@code max-clock-offset}) and counts
 * every earlier counter of its node as observed: entries an earlier incarnation published and this
 * one does not hold are removed wherever this replica's {@link #startDelta()} or anti-entropy reaches.
 *
 * @param <V> the value type; {@code equals} must compare contents (records do)
 */
public final class OrMap<V> {

  private final NodeName self;
  private final HybridLogicalClock clock;
  private final OrMapCodec<V> codec;
  private final CrdtStats stats;
  private final DotStore<V> store = new DotStore<>();
  private final TreeMap<NodeName, RangeSet> context = new TreeMap<>();
  private final long startCounter;

  /**
   * An empty replica owned by {@code self}.
   *
   * @param self the node whose writes this replica makes
   * @param clock stamps entries and absorbs the timestamps of ingested ones
   * @param codec bounds what a local write may hold, so every entry can travel; decodes {@link #ingest}ed bytes
   * @param stats where refused deltas are counted
   */
  public OrMap(NodeName self, HybridLogicalClock clock, OrMapCodec<V> codec, CrdtStats stats) {
    this.self = Objects.requireNonNull(self, "self");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.stats = Objects.requireNonNull(stats, "stats");
    long start = clock.now().packed();
    if (start < 1) {
      throw new IllegalStateException("HLC reading " + HlcTimestamp.fromPacked(start) + " cannot seed dot counters");
    }
    this.startCounter = start;
    context.put(self, RangeSet.of(1, start));
  }

  /** The node whose writes this replica makes. */
  public NodeName self() {
    return self;
  }

  /**
   * The delta announcing this replica's start: every counter of its node up to the first it will use
   * is observed and holds nothing. Gossip it once at start so peers drop what an earlier incarnation
   * of this node published; anti-entropy carries the same information, later.
   */
  public OrMapDelta<V> startDelta() {
    return new OrMapDelta<>(List.of(), CausalContext.of(self, 1, startCounter));
  }

  /** Adds {@code value} under {@code key} as a new entry, next to any entries already there. */
  public OrMapUpdate<V> add(String key, V value) {
    return replace(key, entry -> false, value);
  }

  /**
   * Adds {@code value} under {@code key} and, in the same delta, removes the entries under
   * {@code key} matching {@code replaced} (say, this instance's previous registration). Peers apply
   * both at once, so no one sees the key briefly without the value or with both.
   *
   * @throws IllegalArgumentException when the key or value breaks the codec's bounds
   */
  public OrMapUpdate<V> replace(String key, Predicate<? super OrMapEntry<V>> replaced, V value) {
    Objects.requireNonNull(value, "value");
    codec.checkEntry(key, value);
    List<OrMapEntry<V>> matched = matching(key, replaced);
    RangeSet gaps = claimOwnGaps();
    OrMapEntry<V> entry = new OrMapEntry<>(nextDot(), key, value, clock.now());
    List<Dot> dots = new ArrayList<>();
    for (OrMapEntry<V> old : matched) {
      store.remove(old.dot());
      dots.add(old.dot());
    }
    store.put(entry);
    dots.add(entry.dot());
    context.merge(self, RangeSet.of(entry.dot().counter(), entry.dot().counter()), RangeSet::union);
    CausalContext speaks = CausalContext.of(dots);
    if (!gaps.isEmpty()) {
      TreeMap<NodeName, RangeSet> claim = new TreeMap<>();
      claim.put(self, gaps);
      speaks = speaks.union(new CausalContext(claim));
    }
    return new OrMapUpdate<>(new OrMapDelta<>(List.of(entry), speaks), new OrMapChange<>(List.of(entry), matched));
  }

  /** Removes every entry under {@code key} that this replica holds; entries it has not seen stay. */
  public OrMapUpdate<V> remove(String key) {
    return remove(key, entry -> true);
  }

  /** Removes the entries under {@code key} that match {@code which}. */
  public OrMapUpdate<V> remove(String key, Predicate<? super OrMapEntry<V>> which) {
    return removeEntries(matching(key, which));
  }

  /** Removes the entries tagged by {@code dots}; dots this replica does not hold are ignored. */
  public OrMapUpdate<V> remove(Collection<Dot> dots) {
    List<OrMapEntry<V>> held = new ArrayList<>();
    for (Dot dot : new TreeSet<>(dots)) {
      OrMapEntry<V> entry = store.get(dot);
      if (entry != null) {
        held.add(entry);
      }
    }
    return removeEntries(held);
  }

  /**
   * Removes every entry written by {@code node} that this replica has observed: how the registry
   * drops a dead node's registrations. Any replica may issue it. The delta carries this replica's
   * whole context for {@code node}, one range in the usual case, so it also removes, wherever it
   * lands, entries of {@code node} that this replica had already seen removed. Entries {@code node}
   * writes later (a restart) have higher counters and are untouched.
   */
  public OrMapUpdate<V> removeAllOf(NodeName node) {
    RangeSet observed = context.get(node);
    if (observed == null) {
      return new OrMapUpdate<>(OrMapDelta.empty(), OrMapChange.none());
    }
    List<OrMapEntry<V>> removed = new ArrayList<>(store.of(node).values());
    for (OrMapEntry<V> entry : removed) {
      store.remove(entry.dot());
    }
    TreeMap<NodeName, RangeSet> delta = new TreeMap<>();
    delta.put(node, observed);
    return new OrMapUpdate<>(new OrMapDelta<>(List.of(), new CausalContext(delta)),
        new OrMapChange<>(List.of(), removed));
  }

  private OrMapUpdate<V> removeEntries(List<OrMapEntry<V>> entries) {
    if (entries.isEmpty()) {
      return new OrMapUpdate<>(OrMapDelta.empty(), OrMapChange.none());
    }
    List<Dot> dots = new ArrayList<>(entries.size());
    for (OrMapEntry<V> entry : entries) {
      store.remove(entry.dot());
      dots.add(entry.dot());
    }
    return new OrMapUpdate<>(new OrMapDelta<>(List.of(), CausalContext.of(dots)),
        new OrMapChange<>(List.of(), entries));
  }

  private List<OrMapEntry<V>> matching(String key, Predicate<? super OrMapEntry<V>> which) {
    Objects.requireNonNull(which, "predicate");
    List<OrMapEntry<V>> out = new ArrayList<>();
    for (OrMapEntry<V> entry : store.atKey(key)) {
      if (which.test(entry)) {
        out.add(entry);
      }
    }
    return out;
  }

  private Dot nextDot() {
    long max = context.get(self).max();
    if (max == Long.MAX_VALUE) {
      throw new IllegalStateException("node " + self + " has used every dot counter");
    }
    return new Dot(self, max + 1);
  }

  /**
   * Claims the gaps below our counter as observed. Gaps in our own counters appear only when peers
   * saw dots of this node above our counter (an earlier life whose clock ran ahead); we continue
   * above them, and the skipped counters were issued by no one alive, so claiming them is true. The
   * claim rides in the next write's delta, so every replica's context for us stays one range instead
   * of a gap shipped forever by anti-entropy.
   */
  private RangeSet claimOwnGaps() {
    RangeSet own = context.get(self);
    RangeSet gaps = own.gaps();
    if (!gaps.isEmpty()) {
      context.put(self, RangeSet.of(1, own.max()));
    }
    return gaps;
  }

  /**
   * Joins a delta, a full state or an anti-entropy chunk into this replica: trusted input, already
   * decoded and checked. Bytes from a peer go through {@link #ingest} instead.
   *
   * @return what changed: nothing for a duplicate, an echo of our own write, or old news
   */
  public OrMapChange<V> merge(OrMapDelta<V> delta) {
    Set<Dot> incoming = new HashSet<>();
    for (OrMapEntry<V> entry : delta.entries()) {
      incoming.add(entry.dot());
    }
    List<OrMapEntry<V>> removed = new ArrayList<>();
    for (Map.Entry<NodeName, RangeSet> range : delta.context().rangeSets().entrySet()) {
      for (OrMapEntry<V> held : store.within(range.getKey(), range.getValue())) {
        if (!incoming.contains(held.dot())) {
          removed.add(held);
        }
      }
    }
    List<OrMapEntry<V>> added = new ArrayList<>();
    for (OrMapEntry<V> entry : delta.entries()) {
      OrMapEntry<V> held = store.get(entry.dot());
      if (held == null) {
        if (!observed(entry.dot())) {
          added.add(entry);
        }
      } else if (OrMapEntry.preferred(held, entry) != held) {
        removed.add(held);
        added.add(entry);
      }
    }
    for (OrMapEntry<V> entry : removed) {
      store.remove(entry.dot());
    }
    for (OrMapEntry<V> entry : added) {
      store.put(entry);
    }
    delta.context().rangeSets().forEach((node, set) -> context.merge(node, set, RangeSet::union));
    removed.sort(Comparator.comparing(OrMapEntry::dot));
    return new OrMapChange<>(added, removed);
  }

  /**
   * Decodes bytes from a peer and {@linkplain #ingest(OrMapDelta) ingests} them. Malformed or
   * oversized bytes are refused whole and counted; the replica is untouched.
   */
  public IngestResult<V> ingest(byte[] bytes) {
    OrMapDelta<V> delta;
    try {
      delta = codec.decodeDelta(bytes);
    } catch (CrdtDecodeException e) {
      return reject(e.oversized() ? DeltaRejection.OVERSIZED : DeltaRejection.MALFORMED, e.getMessage());
    }
    return ingest(delta);
  }

  /**
   * Merges a delta received from a peer after the checks only a live replica can make. A delta
   * naming a dot counter beyond our clock's horizon is refused whole and counted: counters are HLC
   * readings, so only a peer whose clock runs more than {@code max-clock-offset} ahead, or a forger,
   * sends one. The newest entry timestamp is offered to the clock, which refuses and counts it when it
   * is too far ahead; the entries are kept either way, since timestamps decide nothing here.
   */
  public IngestResult<V> ingest(OrMapDelta<V> delta) {
    long horizon = clock.horizon().packed();
    if (Long.compareUnsigned(delta.context().maxCounter(), horizon) > 0) {
      return reject(DeltaRejection.FUTURE_DOT, "dot counter " + delta.context().maxCounter()
          + " is beyond this node's horizon " + horizon + " (" + clock.horizon() + ")");
    }
    Optional<HlcTimestamp> newest = delta.entries().stream().map(OrMapEntry::timestamp).max(Comparator.naturalOrder());
    newest.ifPresent(clock::update);
    return new IngestResult.Accepted<>(merge(delta));
  }

  private IngestResult<V> reject(DeltaRejection reason, String detail) {
    stats.deltaRejected(reason);
    return new IngestResult.Rejected<>(reason, detail);
  }

  private boolean observed(Dot dot) {
    RangeSet set = context.get(dot.node());
    return set != null && set.contains(dot.counter());
  }

  /** The entries under {@code key}, oldest timestamp first (ties by dot); empty when none. */
  public List<OrMapEntry<V>> get(String key) {
    List<OrMapEntry<V>> out = new ArrayList<>(store.atKey(key));
    out.sort(Comparator.comparing(OrMapEntry<V>::timestamp).thenComparing(OrMapEntry::dot));
    return List.copyOf(out);
  }

  /**
   * The entries under {@code key} in dot order (by writer, then counter): a read-only view, valid
   * until the replica next changes; no copy, no sort, for callers that read often.
   */
  public Collection<OrMapEntry<V>> entriesAt(String key) {
    return store.atKey(key);
  }

  /** The values under {@code key}, in the order of {@link #get}. */
  public List<V> values(String key) {
    List<V> out = new ArrayList<>();
    for (OrMapEntry<V> entry : get(key)) {
      out.add(entry.value());
    }
    return List.copyOf(out);
  }

  /** The keys holding at least one entry, sorted. */
  public SortedSet<String> keys() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(store.keys().keySet()));
  }

  /**
   * The entries whose dots {@code writer} issued, in dot order: O(log n + k) through the dot index,
   * for callers whose values belong to the node that wrote them (the registry's instances).
   */
  public List<OrMapEntry<V>> entriesOf(NodeName writer) {
    return List.copyOf(store.of(Objects.requireNonNull(writer, "writer")).values());
  }

  /** Every entry, in dot order. */
  public List<OrMapEntry<V>> entries() {
    return List.copyOf(store.all());
  }

  /** How many entries the replica holds. */
  public int size() {
    return store.size();
  }

  /** True when the replica holds no entry (it may still have observed, and removed, many). */
  public boolean isEmpty() {
    return store.size() == 0;
  }

  /** What this replica has observed. */
  public CausalContext context() {
    return new CausalContext(new TreeMap<>(context));
  }

  /** The whole replica as one fragment: the answer to a late joiner (split it to send it). */
  public OrMapDelta<V> state() {
    return new OrMapDelta<>(entries(), context());
  }

  /**
   * This replica's digest, for a peer's {@link #missingFor}; within the codec's bounds, so it always
   * encodes (lines left out when the context names too many nodes cost the peer's answer more bytes,
   * never correctness).
   */
  public Digest digest() {
    return AntiEntropy.digest(store, context, codec.config());
  }

  /**
   * What a peer that sent {@code remote} lacks, as one fragment (split it, or let the codec split it
   * into frames): the entries above its version vector, the context above it (which carries our
   * removals there), and, only for nodes whose fingerprint differs, our removals below it. Empty when
   * the peer already has everything we have.
   */
  public OrMapDelta<V> missingFor(Digest remote) {
    return AntiEntropy.missingFor(store, context, remote);
  }
}
