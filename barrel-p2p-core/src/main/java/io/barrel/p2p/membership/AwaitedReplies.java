package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;

/**
 * The replies each peer still owes this node, in order, and which of them are void.
 *
 * <p>A peer answers requests (JOIN, NEIGHBOR) one by one in the order they arrive, on an ordered
 * channel, so replies can be matched to requests by counting. A reply is void when this node sent
 * the peer a DISCONNECT after the request: the peer read the request, linked, answered, and then
 * read the DISCONNECT and dropped the link again; taking the late acceptance would leave this node
 * holding a link alone. Counts are forgotten with the connection, which loses whatever was in it.
 */
final class AwaitedReplies {

  /** What a reply that just arrived answers. */
  enum Verdict {
    /** The oldest outstanding request, not overtaken by a DISCONNECT. */
    CURRENT,
    /** A request this node has since undone with a DISCONNECT. */
    VOID,
    /** Nothing this node asked on this connection. */
    UNEXPECTED
  }

  // Outstanding requests to one peer, and how many of the oldest of them are void.
  private static final int AWAITING = 0;
  private static final int VOIDED = 1;

  private final PeerTable<Void> byPeer = new PeerTable<>(2, 4);

  void requested(NodeName peer) {
    int slot = byPeer.indexOf(peer);
    if (slot < 0) {
      slot = byPeer.add(peer, null);
    }
    byPeer.set(slot, AWAITING, byPeer.get(slot, AWAITING) + 1);
  }

  void disconnected(NodeName peer) {
    int slot = byPeer.indexOf(peer);
    if (slot >= 0) {
      byPeer.set(slot, VOIDED, byPeer.get(slot, AWAITING));
    }
  }

  Verdict replied(NodeName peer) {
    int slot = byPeer.indexOf(peer);
    if (slot < 0) {
      return Verdict.UNEXPECTED;
    }
    long awaiting = byPeer.get(slot, AWAITING) - 1;
    long voided = byPeer.get(slot, VOIDED);
    Verdict verdict = Verdict.CURRENT;
    if (voided > 0) {
      byPeer.set(slot, VOIDED, voided - 1);
      verdict = Verdict.VOID;
    }
    if (awaiting == 0) {
      byPeer.removeAt(slot);
    } else {
      byPeer.set(slot, AWAITING, awaiting);
    }
    return verdict;
  }

  void connectionGone(NodeName peer) {
    byPeer.remove(peer);
  }

  void clear() {
    byPeer.clear();
  }
}
