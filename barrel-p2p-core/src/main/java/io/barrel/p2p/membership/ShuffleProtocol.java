package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The periodic shuffle that keeps passive views fresh and mixed: a sample (this node, some active
 * and some passive peers) walks a few hops through active links; the node where it stops answers
 * the origin with a sample of its passive view, and both sides keep what they learned, making room
 * with the names they gave away.
 */
final class ShuffleProtocol {

  private final NodeState s;
  private final LinkProtocol links;

  ShuffleProtocol(NodeState state, LinkProtocol links) {
    this.s = state;
    this.links = links;
  }

  /** The shuffle timer: start a shuffle with a random neighbour, then re-arm. */
  void onTimer(long now, Outbox out) {
    if (!s.isMember()) {
      return; // a node that left lets its timer lapse
    }
    Optional<NodeName> target = s.active.random(s.random);
    if (target.isPresent()) {
      NodeName to = target.get();
      List<NodeName> sample = new ArrayList<>(s.config.shuffleLength());
      sample.add(s.self);
      sample.addAll(s.active.sample(s.config.shuffleActive(), s.random, to));
      sample.addAll(s.passive.sample(s.config.shufflePassive(), s.random, to));
      s.lastShuffleSample = List.copyOf(sample);
      out.send(to, new MembershipMessage.Shuffle(s.self, s.config.shuffleTtl(), sample));
    }
    out.schedule(new MembershipTimer.Shuffle(), period(now));
  }

  Duration period(long now) {
    Duration base = s.config.shufflePeriod();
    return s.config.adaptiveShuffle() ? s.churn.shufflePeriod(now, base) : base;
  }

  /** SHUFFLE: walk on while hops remain, else answer the origin and keep the names. */
  void onShuffle(NodeName from, MembershipMessage.Shuffle shuffle, long now, Outbox out) {
    if (!s.isMember()) {
      return;
    }
    links.refuseOneSidedLink(from, out);
    NodeName origin = shuffle.origin();
    if (origin.equals(s.self)) {
      return; // the walk came back to where it started
    }
    if (shuffle.ttl() > 0 && s.active.size() > 1) {
      Optional<NodeName> next = s.active.random(s.random, from, origin);
      if (next.isPresent()) {
        out.send(next.get(), new MembershipMessage.Shuffle(origin, shuffle.ttl() - 1, shuffle.ids()));
        return;
      }
    }
    List<NodeName> reply = s.passive.sample(shuffle.ids().size(), s.random, origin);
    out.send(origin, new MembershipMessage.ShuffleReply(reply));
    keep(shuffle.ids(), reply, now);
  }

  /** SHUFFLE_REPLY: keep the names, making room with the ones sent in the shuffle. */
  void onShuffleReply(MembershipMessage.ShuffleReply reply, long now) {
    if (!s.isMember()) {
      return;
    }
    keep(reply.ids(), s.lastShuffleSample, now);
  }

  private void keep(List<NodeName> ids, List<NodeName> givenAway, long now) {
    s.passive.learnAll(ids, id -> !id.equals(s.self) && !s.active.contains(id), givenAway, now, s.random);
  }
}
