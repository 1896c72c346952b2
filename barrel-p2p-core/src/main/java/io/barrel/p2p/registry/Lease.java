package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.util.Objects;

/**
 * One heartbeat: node {@code node}, in its life {@code incarnation} (a restart starts a larger one),
 * is alive; {@code sequence} counts the heartbeats of that life.
 *
 * @param node the node whose lease this is
 * @param incarnation when that life of the node started, in wall-clock milliseconds; larger is newer
 * @param sequence heartbeats sent in this life, from 1
 */
public record Lease(NodeName node, long incarnation, long sequence) {

  /** Checks the fields. */
  public Lease {
    Objects.requireNonNull(node, "node");
    if (incarnation < 0 || sequence < 0) {
      throw new IllegalArgumentException("incarnation and sequence must not be negative");
    }
  }
}
