package io.barrel.p2p.membership;

/** How hard a NEIGHBOR request asks: whether the receiver may refuse it when its active view is full. */
public enum NeighborPriority {
  /** The asker has no active peer left (or must link, as at the end of a join walk): never refused. */
  HIGH,
  /** The asker merely has room: refused when the receiver's active view is full. */
  LOW
}
