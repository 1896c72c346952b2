package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Collects the effects of one input in order; handed to the driver as an immutable list. */
final class Outbox {

  private final List<MembershipEffect> effects = new ArrayList<>();

  void send(NodeName peer, MembershipMessage message) {
    effects.add(new MembershipEffect.Send(peer, message));
  }

  void connect(NodeName peer) {
    effects.add(new MembershipEffect.Connect(peer));
  }

  void hangUp(NodeName peer) {
    effects.add(new MembershipEffect.Disconnect(peer));
  }

  void schedule(MembershipTimer timer, Duration delay) {
    effects.add(new MembershipEffect.Schedule(timer, delay));
  }

  void peerUp(NodeName peer) {
    effects.add(new MembershipEffect.Emit(new MembershipEvent.PeerUp(peer)));
  }

  void peerDown(NodeName peer, DownReason reason) {
    effects.add(new MembershipEffect.Emit(new MembershipEvent.PeerDown(peer, reason)));
  }

  List<MembershipEffect> effects() {
    return List.copyOf(effects);
  }
}
