package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/** Names, messages and effect filters shared by the per-handler Plumtree tests. */
final class PlumtreeFixture {

  static final NodeName SELF = NodeName.of("self@h");
  static final NodeName A = NodeName.of("a@h");
  static final NodeName B = NodeName.of("b@h");
  static final NodeName C = NodeName.of("c@h");
  static final NodeName D = NodeName.of("d@h");
  static final NodeName ORIGIN = NodeName.of("origin@far");
  static final Topic TOPIC = Topic.of("test.topic");
  /** An arbitrary start, so no test passes only because the clock starts at zero. */
  static final long T0 = 7_000_000_000L;

  private PlumtreeFixture() {}

  static Plumtree node(NodeName... neighbours) {
    return node(PlumtreeConfig.defaults(), neighbours);
  }

  static Plumtree node(PlumtreeConfig config, NodeName... neighbours) {
    return new Plumtree(SELF, List.of(neighbours), config, new SplittableRandom(42));
  }

  static long at(Duration sinceStart) {
    return T0 + sinceStart.toNanos();
  }

  static long atMillis(long millis) {
    return T0 + Duration.ofMillis(millis).toNanos();
  }

  static MessageId id(long n) {
    return new MessageId(0x1234, n);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static BroadcastMessage.Gossip gossip(MessageId id, int hops) {
    return new BroadcastMessage.Gossip(id, TOPIC, bytes("payload-" + id.low()), hops, ORIGIN);
  }

  /** An IHAVE announcing one broadcast of {@link #ORIGIN}. */
  static BroadcastMessage.IHave ihave(MessageId id, int hops) {
    return ihave(id, ORIGIN, hops);
  }

  static BroadcastMessage.IHave ihave(MessageId id, NodeName root, int hops) {
    return new BroadcastMessage.IHave(List.of(new BroadcastMessage.Announcement(id, root, hops)));
  }

  /** The eager peers of {@link #ORIGIN}'s tree, the root of every {@link #gossip}. */
  static List<NodeName> eager(Plumtree node) {
    return node.eagerPeers(ORIGIN);
  }

  /** The lazy peers of {@link #ORIGIN}'s tree. */
  static List<NodeName> lazy(Plumtree node) {
    return node.lazyPeers(ORIGIN);
  }

  static List<PlumtreeEffect.Send> sends(List<PlumtreeEffect> effects) {
    return effects.stream().filter(PlumtreeEffect.Send.class::isInstance).map(PlumtreeEffect.Send.class::cast)
        .collect(Collectors.toList());
  }

  static List<BroadcastMessage> sentTo(List<PlumtreeEffect> effects, NodeName peer) {
    return sends(effects).stream().filter(s -> s.peer().equals(peer)).map(PlumtreeEffect.Send::message)
        .collect(Collectors.toList());
  }

  static List<PlumtreeEffect.Deliver> delivers(List<PlumtreeEffect> effects) {
    return effects.stream().filter(PlumtreeEffect.Deliver.class::isInstance)
        .map(PlumtreeEffect.Deliver.class::cast).collect(Collectors.toList());
  }

  static List<PlumtreeEffect.Schedule> schedules(List<PlumtreeEffect> effects) {
    return effects.stream().filter(PlumtreeEffect.Schedule.class::isInstance)
        .map(PlumtreeEffect.Schedule.class::cast).collect(Collectors.toList());
  }

  /**
   * The node after {@code peers} were each pruned to lazy in the two trees the tests use: the
   * node's own ({@link #SELF}, for its broadcasts) and {@link #ORIGIN}'s (for received gossip).
   */
  static void makeLazy(Plumtree node, NodeName... peers) {
    makeLazyFor(node, SELF, peers);
    makeLazyFor(node, ORIGIN, peers);
  }

  /** The node after {@code peers} were each pruned to lazy in {@code root}'s tree only. */
  static void makeLazyFor(Plumtree node, NodeName root, NodeName... peers) {
    for (NodeName peer : peers) {
      node.onMessage(peer, new BroadcastMessage.Prune(root), T0);
    }
  }
}
