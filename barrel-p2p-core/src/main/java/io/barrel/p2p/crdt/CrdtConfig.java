package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.time.Duration;

/**
 * Settings of the CRDT layer, bound from {@code barrel.p2p.registry.crdt.*}: how far ahead a peer's clock may
 * be, and the bounds of every delta and digest on the wire. Both peers must run with the same
 * limits: a message over the receiver's limits is refused. The constructor refuses any value that
 * cannot work, naming the property to change.
 *
 * @param maxClockOffset a remote timestamp or dot counter further ahead of our physical time than
 *     this is refused, never absorbed ({@code max-clock-offset}, 60 s)
 * @param maxEntries entries per delta ({@code max-entries}, 1024)
 * @param maxKeyBytes UTF-8 bytes of one key ({@code max-key-bytes}, 255)
 * @param maxValueBytes encoded bytes of one value ({@code max-value-bytes}, 16 KiB)
 * @param maxTotalBytes encoded bytes of one delta or digest ({@code max-total-bytes}, 256 KiB, which
 *     fits the broadcast layer's default payload limit)
 * @param maxContextRanges counter ranges in one delta's causal context ({@code max-context-ranges}, 4096)
 * @param maxNodes distinct nodes in one delta's context or one digest ({@code max-nodes}, 1024)
 */
public record CrdtConfig(
    Duration maxClockOffset,
    int maxEntries,
    int maxKeyBytes,
    int maxValueBytes,
    int maxTotalBytes,
    int maxContextRanges,
    int maxNodes) {

  private static final String PREFIX = "barrel.p2p.registry.crdt.";
  /** Largest accepted {@code max-clock-offset}: beyond a day the check protects nothing. */
  public static final Duration MAX_CLOCK_OFFSET_LIMIT = Duration.ofDays(1);
  /** Largest accepted {@code max-total-bytes}, the transport's largest control frame. */
  public static final int MAX_TOTAL_BYTES_LIMIT = 64 * 1024 * 1024;
  /** Largest accepted {@code max-key-bytes}; keys travel with a u16 length. */
  public static final int MAX_KEY_BYTES_LIMIT = 0xFFFF;
  /** Largest accepted {@code max-nodes} and {@code max-context-ranges}; both travel as u16 counts. */
  public static final int MAX_COUNT_LIMIT = 0xFFFF;
  /** Largest accepted {@code max-entries}. */
  public static final int MAX_ENTRIES_LIMIT = 1 << 20;

  /** Validates every setting. */
  public CrdtConfig {
    if (maxClockOffset == null || maxClockOffset.toMillis() < 1
        || maxClockOffset.compareTo(MAX_CLOCK_OFFSET_LIMIT) > 0) {
      throw new IllegalArgumentException(PREFIX + "max-clock-offset must be 1 ms..1 d, got " + maxClockOffset);
    }
    range("max-entries", maxEntries, 1, MAX_ENTRIES_LIMIT);
    range("max-key-bytes", maxKeyBytes, 1, MAX_KEY_BYTES_LIMIT);
    range("max-value-bytes", maxValueBytes, 0, MAX_TOTAL_BYTES_LIMIT);
    range("max-total-bytes", maxTotalBytes, 1, MAX_TOTAL_BYTES_LIMIT);
    range("max-context-ranges", maxContextRanges, 1, MAX_COUNT_LIMIT);
    range("max-nodes", maxNodes, 1, MAX_COUNT_LIMIT);
    long oneEntry = (long) OrMapCodec.HEADER_BYTES + OrMapCodec.groupBytes(NodeName.MAX_LENGTH)
        + OrMapCodec.RANGE_BYTES + OrMapCodec.entryBytes(maxKeyBytes, maxValueBytes);
    if (maxTotalBytes < oneEntry) {
      // Otherwise a single legal entry could never be shipped, and anti-entropy would stall on it.
      throw new IllegalArgumentException(PREFIX + "max-total-bytes (" + maxTotalBytes + ") must hold one delta"
          + " with one entry of max-key-bytes and max-value-bytes, which takes " + oneEntry + " bytes");
    }
  }

  /** The defaults: 60 s offset, 1024 entries, 255-byte keys, 16 KiB values, 256 KiB per message. */
  public static CrdtConfig defaults() {
    return new CrdtConfig(Duration.ofSeconds(60), 1024, 255, 16 * 1024, 256 * 1024, 4096, 1024);
  }

  /** A copy with another {@code max-clock-offset}. */
  public CrdtConfig withMaxClockOffset(Duration offset) {
    return new CrdtConfig(offset, maxEntries, maxKeyBytes, maxValueBytes, maxTotalBytes, maxContextRanges,
        maxNodes);
  }

  /** A copy with other wire bounds. */
  public CrdtConfig withLimits(int entries, int keyBytes, int valueBytes, int totalBytes, int contextRanges,
      int nodes) {
    return new CrdtConfig(maxClockOffset, entries, keyBytes, valueBytes, totalBytes, contextRanges, nodes);
  }

  private static void range(String property, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(PREFIX + property + " must be " + min + ".." + max + ", got " + value);
    }
  }
}
