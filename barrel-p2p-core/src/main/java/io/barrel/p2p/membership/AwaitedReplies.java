package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.HashMap;
import java.util.Map;

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

  /** Outstanding requests to one peer; the oldest {@code voided} of them are void. */
  private static final class Count {
    int awaiting;
    int voided;
  }

  private final Map<NodeName, Count> byPeer = new HashMap<>();

  void requested(NodeName peer) {
    byPeer.computeIfAbsent(peer, p -> new Count()).awaiting++;
  }

  void disconnected(NodeName peer) {
    Count count = byPeer.get(peer);
    if (count != null) {
      count.voided = count.awaiting;
    }
  }

  Verdict replied(NodeName peer) {
    Count count = byPeer.get(peer);
    if (count == null) {
      return Verdict.UNEXPECTED;
    }
    count.awaiting--;
    Verdict verdict = Verdict.CURRENT;
    if (count.voided > 0) {
      count.voided--;
      verdict = Verdict.VOID;
    }
    if (count.awaiting == 0) {
      byPeer.remove(peer);
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
