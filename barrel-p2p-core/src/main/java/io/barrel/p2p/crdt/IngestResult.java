package io.barrel.p2p.crdt;

/**
 * What {@link OrMap#ingest} did with a delta from the wire: merged it, or refused it whole.
 *
 * @param <V> the value type
 */
public sealed interface IngestResult<V> permits IngestResult.Accepted, IngestResult.Rejected {

  /**
   * The delta was merged.
   *
   * @param change what it changed here; empty for a duplicate or an echo of our own write
   * @param <V> the value type
   */
  record Accepted<V>(OrMapChange<V> change) implements IngestResult<V> {}

  /**
   * The delta was refused whole and counted; the replica is exactly as before.
   *
   * @param reason the metric-friendly reason
   * @param detail what was wrong, for a log line
   * @param <V> the value type
   */
  record Rejected<V>(DeltaRejection reason, String detail) implements IngestResult<V> {}
}
