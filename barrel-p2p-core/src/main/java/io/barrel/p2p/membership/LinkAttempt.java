package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;

/**
 * One link this node is trying to establish: first the connection, then the request (JOIN or
 * NEIGHBOR) and its reply. The link enters the active view only when the reply accepts it.
 */
final class LinkAttempt {

  /** Why the link is wanted, which decides what a refusal or a full view means for it. */
  enum Kind {
    /** Joining through a contact (JOIN). */
    JOIN,
    /** Linking to a new node where its join walk ended (NEIGHBOR HIGH). */
    WALK_END,
    /** Filling a free slot from the passive view (NEIGHBOR HIGH below the active floor, else LOW). */
    PROMOTION,
    /** Restoring a link lost to a failure, typically across a healed partition (NEIGHBOR HIGH). */
    RECONNECT;

    /**
     * True when the link is taken even into a full view, by evicting a random peer: joins and
     * walk ends as in the paper, and lost links because two full halves merge no other way.
     * A promotion only fills room; if the room is gone when the reply comes it is declined.
     */
    boolean evictsForRoom() {
      return this != PROMOTION;
    }
  }

  final NodeName peer;
  final Kind kind;
  /** When the attempt is abandoned if it has not ended by then (pending-timeout after it started). */
  final long deadline;
  /** The priority of the NEIGHBOR to send (null for JOIN); a promotion's may change before it is sent. */
  NeighborPriority priority;
  boolean requested;

  LinkAttempt(NodeName peer, Kind kind, NeighborPriority priority, long deadline) {
    this.peer = peer;
    this.kind = kind;
    this.deadline = deadline;
    this.priority = priority;
  }

  @Override
  public String toString() {
    return kind + "(" + peer + ", until " + deadline + (requested ? ", requested" : ", connecting") + ")";
  }
}
