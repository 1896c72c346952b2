package io.barrel.p2p.simulation;

import io.barrel.p2p.membership.MembershipMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** HyParView messages sent in a run, by type: what the membership costs, for the CSV files and tests. */
final class MessageCounts {

  private static final List<Class<? extends MembershipMessage>> TYPES = List.of(
      MembershipMessage.Join.class, MembershipMessage.ForwardJoin.class, MembershipMessage.Neighbor.class,
      MembershipMessage.NeighborReply.class, MembershipMessage.Disconnect.class, MembershipMessage.Shuffle.class,
      MembershipMessage.ShuffleReply.class);

  private final long[] counts = new long[TYPES.size()];

  void sent(MembershipMessage message) {
    // An instanceof chain, most frequent first: cheaper than a map lookup on the hottest path.
    int type;
    if (message instanceof MembershipMessage.Shuffle) {
      type = 5;
    } else if (message instanceof MembershipMessage.ShuffleReply) {
      type = 6;
    } else if (message instanceof MembershipMessage.ForwardJoin) {
      type = 1;
    } else if (message instanceof MembershipMessage.Neighbor) {
      type = 2;
    } else if (message instanceof MembershipMessage.NeighborReply) {
      type = 3;
    } else if (message instanceof MembershipMessage.Disconnect) {
      type = 4;
    } else {
      type = 0;
    }
    counts[type]++;
  }

  /** Counts by the message type's simple name, in a fixed order. */
  Map<String, Long> byType() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < TYPES.size(); i++) {
      out.put(TYPES.get(i).getSimpleName(), counts[i]);
    }
    return out;
  }
}
