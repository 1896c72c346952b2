package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Encodes and decodes OR-Map deltas (which are also full states and anti-entropy chunks) and
 * digests. Everything is big-endian; every count and length is checked against {@link CrdtConfig}
 * and against the bytes left before anything is allocated from it; a decode either returns a value
 * that re-encodes to the same bytes, or throws {@link CrdtDecodeException}, nothing else, for any
 * input. The bytes are one message (a broadcast payload or a control frame), so no length prefix.
 *
 * <pre>
 * DELTA
 *  +---------+------+--------+-----------+-----------+-----
 *  | version | 0x01 | groups | group ... | group ... |        version u8 = 1; groups u16, 0..max-nodes,
 *  +---------+------+--------+-----------+-----------+-----   strictly ascending by node name
 * group
 *  +---+----------+--------+-------------------------+---------+-----------------+
 *  | n | node (n) | ranges | (first u64, last u64) * | entries | entry * entries |
 *  +---+----------+--------+-------------------------+---------+-----------------+
 *   u8  NodeName   u16 ≥ 1   1 ≤ first ≤ last &lt; 2^63, ascending,   u32, ascending by counter,
 *                            at least one counter between ranges   each inside one of the ranges
 * entry
 *  +---------+-----+---+---------+-----+-----------+
 *  | counter | hlc | k | key (k) | v   | value (v) |   counter u64; hlc u64 (packed HlcTimestamp);
 *  +---------+-----+---+---------+-----+-----------+   k u16, 1..max-key-bytes of strict UTF-8;
 *                                                      v u32, 0..max-value-bytes, per the ValueCodec
 * DIGEST
 *  +---------+------+-------+---+----------+---------+------+------+-----
 *  | version | 0x02 | nodes | n | node (n) | counter | live | hash | ...   nodes u16, 0..max-nodes,
 *  +---------+------+-------+---+----------+---------+------+------+-----  ascending; counter u64 ≥ 1;
 *                                                                          live u64 ≤ counter; hash u64
 * </pre>
 *
 * Beyond the layout, a decoded delta must respect the limits on entries, context ranges, nodes and
 * total bytes. Ranges are in canonical form (merged, sorted), so one delta has exactly one encoding.
 */
public final class OrMapCodec<V> {

  /** The wire format version this codec writes and the only one it reads. */
  public static final int VERSION = 1;
  static final int DELTA = 1;
  static final int DIGEST = 2;
  static final int HEADER_BYTES = 4;
  static final int RANGE_BYTES = 16;
  private static final int MIN_ENTRY_BYTES = 8 + 8 + 2 + 1 + 4;

  private final ValueCodec<V> values;
  private final CrdtConfig config;

  /** A codec for values of {@code values} within the bounds of {@code config}. */
  public OrMapCodec(ValueCodec<V> values, CrdtConfig config) {
    this.values = Objects.requireNonNull(values, "value codec");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The bounds this codec enforces. */
  public CrdtConfig config() {
    return config;
  }

  static int groupBytes(int nameLength) {
    return 1 + nameLength + 2 + 4;
  }

  static long entryBytes(int keyBytes, int valueBytes) {
    return 8L + 8 + 2 + keyBytes + 4 + valueBytes;
  }

  /**
   * Checks that an entry with this key and value can travel.
   *
   * @throws IllegalArgumentException naming the bound it breaks
   */
  public void checkEntry(String key, V value) {
    String problem = OrMapEntry.keyProblem(key);
    if (problem != null) {
      throw new IllegalArgumentException("invalid key: " + problem);
    }
    keyBytes(key);
    valueBytes(value);
  }

  private byte[] keyBytes(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > config.maxKeyBytes()) {
      throw new IllegalArgumentException("key of " + bytes.length + " UTF-8 bytes exceeds the "
          + config.maxKeyBytes() + "-byte limit (barrel.p2p.crdt.max-key-bytes)");
    }
    return bytes;
  }

  private byte[] valueBytes(V value) {
    byte[] bytes = values.encode(value);
    if (bytes.length > config.maxValueBytes()) {
      throw new IllegalArgumentException("value of " + bytes.length + " bytes exceeds the "
          + config.maxValueBytes() + "-byte limit (barrel.p2p.crdt.max-value-bytes)");
    }
    return bytes;
  }

  /**
   * Encodes one delta.
   *
   * @throws IllegalArgumentException when it exceeds a bound; {@link #encodeChunks} splits instead
   */
  public byte[] encode(OrMapDelta<V> delta) {
    return encode(delta, encodedValues(delta));
  }

  /**
   * Encodes a fragment of any size as as many deltas as it takes to keep each within every bound.
   * Each chunk is a valid fragment on its own (see {@link OrMapDelta#split}); empty when
   * {@code delta} is.
   */
  public List<byte[]> encodeChunks(OrMapDelta<V> delta) {
    Map<OrMapEntry<V>, byte[]> encoded = encodedValues(delta);
    List<OrMapDelta<V>> chunks = DeltaSplitter.split(delta, new DeltaSplitter.Budget<>() {
      @Override
      public int maxEntries() {
        return config.maxEntries();
      }

      @Override
      public int maxRanges() {
        return config.maxContextRanges();
      }

      @Override
      public int maxNodes() {
        return config.maxNodes();
      }

      @Override
      public long maxBytes() {
        return config.maxTotalBytes();
      }

      @Override
      public long baseBytes() {
        return HEADER_BYTES;
      }

      @Override
      public long nodeBytes(NodeName node) {
        return groupBytes(node.toBytes().length);
      }

      @Override
      public long rangeBytes() {
        return RANGE_BYTES;
      }

      @Override
      public long entryBytes(OrMapEntry<V> entry) {
        return OrMapCodec.entryBytes(keyBytes(entry.key()).length, encoded.get(entry).length);
      }
    });
    List<byte[]> out = new ArrayList<>(chunks.size());
    for (OrMapDelta<V> chunk : chunks) {
      out.add(encode(chunk, encoded));
    }
    return out;
  }

  private Map<OrMapEntry<V>, byte[]> encodedValues(OrMapDelta<V> delta) {
    Map<OrMapEntry<V>, byte[]> out = new IdentityHashMap<>();
    for (OrMapEntry<V> entry : delta.entries()) {
      out.put(entry, valueBytes(entry.value()));
    }
    return out;
  }

  private byte[] encode(OrMapDelta<V> delta, Map<OrMapEntry<V>, byte[]> encoded) {
    CausalContext context = delta.context();
    if (context.nodes().size() > config.maxNodes()) {
      throw new IllegalArgumentException("delta names " + context.nodes().size() + " nodes; the limit is "
          + config.maxNodes() + " (barrel.p2p.crdt.max-nodes)");
    }
    if (context.rangeCount() > config.maxContextRanges()) {
      throw new IllegalArgumentException("delta context of " + context.rangeCount() + " ranges exceeds the limit of "
          + config.maxContextRanges() + " (barrel.p2p.crdt.max-context-ranges)");
    }
    if (delta.entries().size() > config.maxEntries()) {
      throw new IllegalArgumentException("delta of " + delta.entries().size() + " entries exceeds the limit of "
          + config.maxEntries() + " (barrel.p2p.crdt.max-entries)");
    }
    long size = HEADER_BYTES;
    List<byte[]> names = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    for (NodeName node : context.nodes()) {
      byte[] name = node.toBytes();
      names.add(name);
      size += groupBytes(name.length) + (long) RANGE_BYTES * context.rangeSet(node).size();
    }
    for (OrMapEntry<V> entry : delta.entries()) {
      byte[] key = keyBytes(entry.key());
      keys.add(key);
      size += entryBytes(key.length, encoded.get(entry).length);
    }
    if (size > config.maxTotalBytes()) {
      throw new IllegalArgumentException("delta of " + size + " bytes exceeds the " + config.maxTotalBytes()
          + "-byte limit (barrel.p2p.crdt.max-total-bytes); send it with encodeChunks");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.put((byte) VERSION).put((byte) DELTA).putShort((short) context.nodes().size());
    int nodeIndex = 0;
    int entryIndex = 0;
    List<OrMapEntry<V>> entries = delta.entries();
    for (NodeName node : context.nodes()) {
      byte[] name = names.get(nodeIndex++);
      RangeSet set = context.rangeSet(node);
      out.put((byte) name.length).put(name).putShort((short) set.size());
      for (int i = 0; i < set.size(); i++) {
        out.putLong(set.first(i)).putLong(set.last(i));
      }
      int from = entryIndex;
      while (entryIndex < entries.size() && entries.get(entryIndex).dot().node().equals(node)) {
        entryIndex++;
      }
      out.putInt(entryIndex - from);
      for (int i = from; i < entryIndex; i++) {
        OrMapEntry<V> entry = entries.get(i);
        byte[] key = keys.get(i);
        byte[] value = encoded.get(entry);
        out.putLong(entry.dot().counter()).putLong(entry.timestamp().packed())
            .putShort((short) key.length).put(key).putInt(value.length).put(value);
      }
    }
    return out.array();
  }

  /**
   * Decodes one delta, checking layout, canonical order, every bound and the fragment invariants
   * (each entry's dot inside the context) before anything is merged.
   *
   * @throws CrdtDecodeException for anything that is not exactly one valid delta within bounds
   */
  public OrMapDelta<V> decodeDelta(byte[] bytes) throws CrdtDecodeException {
    WireReader in = WireReader.header(bytes, VERSION, DELTA, config.maxTotalBytes(), "delta");
    int groups = in.u16();
    if (groups > config.maxNodes()) {
      throw new CrdtDecodeException("delta names " + groups + " nodes; the limit is " + config.maxNodes(), true);
    }
    TreeMap<NodeName, RangeSet> context = new TreeMap<>();
    List<OrMapEntry<V>> entries = new ArrayList<>();
    long rangeTotal = 0;
    NodeName previous = null;
    for (int g = 0; g < groups; g++) {
      NodeName node = in.nodeName("delta");
      if (previous != null && node.compareTo(previous) <= 0) {
        throw new CrdtDecodeException("delta node " + node + " is not in ascending order after " + previous);
      }
      previous = node;
      int count = in.u16();
      if (count == 0) {
        throw new CrdtDecodeException("delta group of " + node + " has no ranges");
      }
      rangeTotal += count;
      if (rangeTotal > config.maxContextRanges()) {
        throw new CrdtDecodeException("delta context exceeds " + config.maxContextRanges() + " ranges", true);
      }
      in.need((long) count * RANGE_BYTES, count + " ranges");
      long[] bounds = new long[2 * count];
      for (int i = 0; i < count; i++) {
        long first = in.u64();
        long last = in.u64();
        if (first < 1 || last < first) {
          throw new CrdtDecodeException("range " + Long.toUnsignedString(first) + ".." + Long.toUnsignedString(last)
              + " of " + node + " is not 1 <= first <= last < 2^63");
        }
        if (i > 0 && first - 1 <= bounds[2 * i - 1]) {
          throw new CrdtDecodeException("ranges of " + node + " overlap, touch or are out of order at " + first);
        }
        bounds[2 * i] = first;
        bounds[2 * i + 1] = last;
      }
      RangeSet set = RangeSet.ofCanonical(bounds);
      context.put(node, set);
      readEntries(in, node, set, entries);
    }
    in.requireEnd("delta");
    try {
      return new OrMapDelta<>(entries, new CausalContext(context));
    } catch (IllegalArgumentException e) {
      throw new CrdtDecodeException("delta breaks an invariant: " + e.getMessage());
    }
  }

  private void readEntries(WireReader in, NodeName node, RangeSet set, List<OrMapEntry<V>> entries)
      throws CrdtDecodeException {
    long count = in.u32();
    if (count > config.maxEntries() - entries.size()) {
      throw new CrdtDecodeException("delta exceeds " + config.maxEntries() + " entries", true);
    }
    in.need(count * MIN_ENTRY_BYTES, count + " entries");
    long previous = 0;
    int range = 0;
    for (long e = 0; e < count; e++) {
      long counter = in.u64();
      if (counter <= previous) {
        throw new CrdtDecodeException("entry counters of " + node + " are not ascending positive numbers at "
            + Long.toUnsignedString(counter));
      }
      previous = counter;
      while (range < set.size() && counter > set.last(range)) {
        range++;
      }
      if (range == set.size() || counter < set.first(range)) {
        throw new CrdtDecodeException("entry dot " + node + ":" + counter + " lies outside the delta's context");
      }
      HlcTimestamp timestamp = HlcTimestamp.fromPacked(in.u64());
      int keyLength = in.u16();
      if (keyLength == 0) {
        throw new CrdtDecodeException("entry " + node + ":" + counter + " has an empty key");
      }
      if (keyLength > config.maxKeyBytes()) {
        throw new CrdtDecodeException("key of " + keyLength + " bytes exceeds the " + config.maxKeyBytes()
            + "-byte limit", true);
      }
      String key = in.utf8(keyLength, "key");
      long valueLength = in.u32();
      if (valueLength > config.maxValueBytes()) {
        throw new CrdtDecodeException("value of " + valueLength + " bytes exceeds the " + config.maxValueBytes()
            + "-byte limit", true);
      }
      V value = value(in.bytes(valueLength, "value"), node, counter);
      entries.add(new OrMapEntry<>(new Dot(node, counter), key, value, timestamp));
    }
  }

  private V value(byte[] bytes, NodeName node, long counter) throws CrdtDecodeException {
    V value;
    try {
      value = values.decode(bytes);
    } catch (CrdtDecodeException e) {
      throw new CrdtDecodeException("value of entry " + node + ":" + counter + ": " + e.getMessage(), e.oversized());
    } catch (RuntimeException e) {
      throw new CrdtDecodeException("value codec failed on entry " + node + ":" + counter + ": " + e);
    }
    if (value == null) {
      throw new CrdtDecodeException("value codec returned null for entry " + node + ":" + counter);
    }
    return value;
  }

  /**
   * Encodes a digest.
   *
   * @throws IllegalArgumentException when it names more than {@code max-nodes} nodes or exceeds
   *     {@code max-total-bytes}
   */
  public byte[] encode(Digest digest) {
    return DigestFormat.encode(digest, config);
  }

  /**
   * Decodes one digest.
   *
   * @throws CrdtDecodeException for anything that is not exactly one valid digest within bounds
   */
  public Digest decodeDigest(byte[] bytes) throws CrdtDecodeException {
    return DigestFormat.decode(bytes, config);
  }
}
