package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects the effects of one input in order; handed to the driver as an unmodifiable list. Every
 * request and DISCONNECT sent is noted in the {@link AwaitedReplies}, so no send path can forget to.
 */
final class Outbox {

  /** Made on the first effect: many inputs (a stale timer, a duplicate) have none. */
  private List<MembershipEffect> effects;
  private final AwaitedReplies replies;

  Outbox(AwaitedReplies replies) {
    this.replies = replies;
  }

  void send(NodeName peer, MembershipMessage message) {
    if (message instanceof MembershipMessage.Join || message instanceof MembershipMessage.Neighbor) {
      replies.requested(peer);
    } else if (message instanceof MembershipMessage.Disconnect) {
      replies.disconnected(peer);
    }
    add(new MembershipEffect.Send(peer, message));
  }

  void connect(NodeName peer) {
    add(new MembershipEffect.Connect(peer));
  }

  void hangUp(NodeName peer) {
    replies.connectionGone(peer);
    add(new MembershipEffect.Disconnect(peer));
  }

  void schedule(MembershipTimer timer, Duration delay) {
    add(new MembershipEffect.Schedule(timer, delay));
  }

  void peerUp(NodeName peer) {
    add(new MembershipEffect.Emit(new MembershipEvent.PeerUp(peer)));
  }

  void peerDown(NodeName peer, DownReason reason) {
    add(new MembershipEffect.Emit(new MembershipEvent.PeerDown(peer, reason)));
  }

  /**
   * The effects as an unmodifiable view, not a copy: the outbox is made for one input and dropped
   * once its effects are handed over, so nothing can change the list behind the caller's back, and
   * a copy per input is a measurable share of a 10,000-node simulation's time.
   */
  List<MembershipEffect> effects() {
    return effects == null ? List.of() : Collections.unmodifiableList(effects);
  }

  private void add(MembershipEffect effect) {
    if (effects == null) {
      effects = new ArrayList<>(4);
    }
    effects.add(effect);
  }
}
