package io.barrel.p2p.crdt;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what the CRDT layer refused: remote clock readings too far ahead, and deltas rejected
 * whole. The pure cores write it from the node's protocol executor; the counters are atomic so the
 * metrics layer can read them from any thread (as function counters) without touching the cores.
 */
public final class CrdtStats {

  private final AtomicLong rejectedTimestamps = new AtomicLong();
  private final Map<DeltaRejection, AtomicLong> rejectedDeltas = new EnumMap<>(DeltaRejection.class);

  /** Counters all at zero. */
  public CrdtStats() {
    for (DeltaRejection reason : DeltaRejection.values()) {
      rejectedDeltas.put(reason, new AtomicLong());
    }
  }

  /** Counts a remote timestamp refused by a {@link HybridLogicalClock} for being too far ahead. */
  public void timestampRejected() {
    rejectedTimestamps.incrementAndGet();
  }

  /** Counts one delta refused whole. */
  public void deltaRejected(DeltaRejection reason) {
    rejectedDeltas.get(reason).incrementAndGet();
  }

  /** Remote timestamps refused so far. */
  public long rejectedTimestamps() {
    return rejectedTimestamps.get();
  }

  /** Deltas refused so far, for any reason. */
  public long rejectedDeltas() {
    long total = 0;
    for (AtomicLong count : rejectedDeltas.values()) {
      total += count.get();
    }
    return total;
  }

  /** Deltas refused so far for {@code reason}. */
  public long rejectedDeltas(DeltaRejection reason) {
    return rejectedDeltas.get(reason).get();
  }

  @Override
  public String toString() {
    return "CrdtStats[rejectedTimestamps=" + rejectedTimestamps + ", rejectedDeltas=" + rejectedDeltas + "]";
  }
}
