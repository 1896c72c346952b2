package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid membership messages for property tests, names up to the 255-byte limit. */
final class MembershipArbitraries {

  private MembershipArbitraries() {}

  static Arbitrary<NodeName> nodeNames() {
    return Combinators.combine(part(), part()).as((name, host) -> NodeName.of(name + "@" + host));
  }

  private static Arbitrary<String> part() {
    Arbitrary<Character> head = Arbitraries.chars().range('a', 'z').range('A', 'Z').range('0', '9').with('_');
    Arbitrary<String> tail = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').withChars('_', '.', '-').ofMaxLength(126);
    return Combinators.combine(head, tail).as((h, t) -> h + t);
  }

  private static Arbitrary<Integer> ttls() {
    return Arbitraries.integers().between(0, MembershipMessage.MAX_TTL);
  }

  static Arbitrary<MembershipMessage> messages() {
    return Arbitraries.oneOf(
        Arbitraries.just(new MembershipMessage.Join()),
        Combinators.combine(nodeNames(), ttls()).as(MembershipMessage.ForwardJoin::new),
        Arbitraries.of(NeighborPriority.class).map(MembershipMessage.Neighbor::new),
        Arbitraries.of(true, false).map(MembershipMessage.NeighborReply::new),
        Arbitraries.of(true, false).map(MembershipMessage.Disconnect::new),
        Combinators.combine(nodeNames(), ttls(), nodeNames().list().ofMaxSize(MembershipMessage.MAX_IDS))
            .as(MembershipMessage.Shuffle::new),
        nodeNames().list().ofMaxSize(MembershipMessage.MAX_IDS).map(MembershipMessage.ShuffleReply::new));
  }
}
