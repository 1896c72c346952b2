package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One {@link HyParView} under test with a virtual clock, plus readers for the effects it returns.
 * The peers around it are played by the test, message by message.
 */
final class NodeProbe {

  static final NodeName SELF = NodeName.of("self@h");

  final HyParView node;
  long now = 100_000;

  NodeProbe(MembershipConfig config, long seed) {
    node = new HyParView(SELF, config, new SplittableRandom(seed));
  }

  /** A node that has joined as the first of its cluster (no contacts). */
  static NodeProbe member() {
    return member(MembershipConfig.defaults());
  }

  static NodeProbe member(MembershipConfig config) {
    NodeProbe probe = new NodeProbe(config, 42);
    probe.node.join(List.of(), probe.now);
    return probe;
  }

  static NodeName peer(String name) {
    return NodeName.of(name + "@h");
  }

  static List<NodeName> peers(String prefix, int count) {
    List<NodeName> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(peer(prefix + i));
    }
    return out;
  }

  // ------------------------------------------------------------------ inputs

  List<MembershipEffect> join(Collection<NodeName> contacts) {
    return node.join(contacts, now);
  }

  List<MembershipEffect> leave() {
    return node.leave(now);
  }

  List<MembershipEffect> receive(NodeName from, MembershipMessage message) {
    return node.onMessage(from, message, now);
  }

  List<MembershipEffect> connected(NodeName peer) {
    return node.onConnected(peer, now);
  }

  List<MembershipEffect> connectFailed(NodeName peer) {
    return node.onConnectFailed(peer, now);
  }

  List<MembershipEffect> closed(NodeName peer) {
    return node.onConnectionClosed(peer, now);
  }

  List<MembershipEffect> fire(MembershipTimer timer) {
    return node.onTimer(timer, now);
  }

  NodeProbe advance(Duration duration) {
    now += duration.toMillis();
    return this;
  }

  /** Links peers the way the protocol does: each asks with NEIGHBOR(HIGH) and is accepted. */
  NodeProbe linkedWith(Collection<NodeName> peers) {
    for (NodeName p : peers) {
      receive(p, new MembershipMessage.Neighbor(NeighborPriority.HIGH));
    }
    return this;
  }

  /** Fills the passive view through a shuffle reply (second-hand names). */
  NodeProbe knowing(Collection<NodeName> passive) {
    List<NodeName> list = new ArrayList<>(passive);
    for (int i = 0; i < list.size(); i += MembershipMessage.MAX_IDS) {
      receive(peer("gossip"), new MembershipMessage.ShuffleReply(list.subList(i, Math.min(list.size(), i + 64))));
    }
    return this;
  }

  // ------------------------------------------------------------------ reading effects

  static List<MembershipMessage> sentTo(List<MembershipEffect> effects, NodeName peer) {
    List<MembershipMessage> out = new ArrayList<>();
    for (MembershipEffect e : effects) {
      if (e instanceof MembershipEffect.Send send && send.peer().equals(peer)) {
        out.add(send.message());
      }
    }
    return out;
  }

  static List<MembershipEffect.Send> sends(List<MembershipEffect> effects) {
    List<MembershipEffect.Send> out = new ArrayList<>();
    for (MembershipEffect e : effects) {
      if (e instanceof MembershipEffect.Send send) {
        out.add(send);
      }
    }
    return out;
  }

  static <M extends MembershipMessage> List<MembershipEffect.Send> sendsOf(List<MembershipEffect> effects,
      Class<M> type) {
    List<MembershipEffect.Send> out = new ArrayList<>();
    for (MembershipEffect.Send send : sends(effects)) {
      if (type.isInstance(send.message())) {
        out.add(send);
      }
    }
    return out;
  }

  static List<MembershipEvent> events(List<MembershipEffect> effects) {
    List<MembershipEvent> out = new ArrayList<>();
    for (MembershipEffect e : effects) {
      if (e instanceof MembershipEffect.Emit emit) {
        out.add(emit.event());
      }
    }
    return out;
  }

  static List<NodeName> dialed(List<MembershipEffect> effects) {
    List<NodeName> out = new ArrayList<>();
    for (MembershipEffect e : effects) {
      if (e instanceof MembershipEffect.Connect connect) {
        out.add(connect.peer());
      }
    }
    return out;
  }

  static List<MembershipEffect.Schedule> schedules(List<MembershipEffect> effects) {
    List<MembershipEffect.Schedule> out = new ArrayList<>();
    for (MembershipEffect e : effects) {
      if (e instanceof MembershipEffect.Schedule schedule) {
        out.add(schedule);
      }
    }
    return out;
  }

  /** The delay the attempts' backstop timer is armed with among {@code effects}. */
  static Duration deadlineArmed(List<MembershipEffect> effects) {
    for (MembershipEffect.Schedule s : schedules(effects)) {
      if (s.timer() instanceof MembershipTimer.AttemptDeadline) {
        return s.delay();
      }
    }
    throw new AssertionError("no attempt deadline armed in " + effects);
  }
}
