package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid broadcast messages for property tests, within {@link #CODEC}'s bounds. */
final class BroadcastArbitraries {

  static final int MAX_PAYLOAD = 4096;
  static final int MAX_BATCH = 64;
  static final BroadcastCodec CODEC = new BroadcastCodec(MAX_PAYLOAD, MAX_BATCH);

  private BroadcastArbitraries() {}

  static Arbitrary<MessageId> ids() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(MessageId::new);
  }

  static Arbitrary<Integer> hops() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 20),
        Arbitraries.integers().between(0, BroadcastMessage.MAX_HOPS));
  }

  /** Valid node names, up to the 255-byte limit. */
  static Arbitrary<NodeName> nodeNames() {
    return Combinators.combine(namePart(), namePart()).as((n, h) -> NodeName.of(n + "@" + h));
  }

  private static Arbitrary<String> namePart() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('A', 'Z').range('0', '9').with('_');
    Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').withChars('_', '.', '-').ofMinLength(0).ofMaxLength(126);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  static Arbitrary<Topic> topics() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
        .withChars('_', '.', ':', '/', '-').ofMinLength(1).ofMaxLength(Topic.MAX_LENGTH).map(Topic::new);
  }

  static Arbitrary<byte[]> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(MAX_PAYLOAD);
  }

  static Arbitrary<BroadcastMessage> gossips() {
    return Combinators.combine(ids(), topics(), payloads(), hops(), nodeNames())
        .as(BroadcastMessage.Gossip::new);
  }

  static Arbitrary<BroadcastMessage> ihaves() {
    Arbitrary<BroadcastMessage.Announcement> announcement =
        Combinators.combine(ids(), nodeNames(), hops()).as(BroadcastMessage.Announcement::new);
    return announcement.list().ofMinSize(1).ofMaxSize(MAX_BATCH).map(BroadcastMessage.IHave::new);
  }

  static Arbitrary<BroadcastMessage> grafts() {
    return Combinators.combine(ids(), nodeNames(), hops(), Arbitraries.of(true, false))
        .as(BroadcastMessage.Graft::new);
  }

  static Arbitrary<BroadcastMessage> prunes() {
    return nodeNames().map(BroadcastMessage.Prune::new);
  }

  static Arbitrary<BroadcastMessage> messages() {
    return Arbitraries.oneOf(gossips(), ihaves(), grafts(), prunes());
  }
}
