package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.events;
import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static io.barrel.p2p.membership.NodeProbe.sends;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** leave(): goodbye to every neighbour, then a node that refuses everything. */
class HyParViewLeaveTest {

  private final List<NodeName> neighbours = peers("a", 4);

  @Test
  void leaveSendsDisconnectToEveryNeighbourAndReportsEachGracefully() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours).knowing(peers("p", 3));
    List<MembershipEffect> effects = node.leave();
    assertThat(sends(effects)).extracting(MembershipEffect.Send::peer).containsExactlyElementsOf(neighbours);
    assertThat(sends(effects)).extracting(MembershipEffect.Send::message)
        .containsOnly(new MembershipMessage.Disconnect(false));
    assertThat(events(effects)).extracting(e -> ((MembershipEvent.PeerDown) e).reason()).containsOnly(DownReason.GRACEFUL);
    assertThat(events(effects)).extracting(MembershipEvent::peer).containsExactlyElementsOf(neighbours);
    assertThat(node.node.activeView()).isEmpty();
    assertThat(node.node.passiveView()).isEmpty();
    assertThat(node.node.isMember()).isFalse();
  }

  @Test
  void afterLeavingTimersLapseAndConnectionEventsAreIgnored() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    node.leave();
    assertThat(node.fire(new MembershipTimer.Shuffle())).isEmpty();
    assertThat(node.fire(new MembershipTimer.Repair())).isEmpty();
    assertThat(node.fire(new MembershipTimer.PassiveCleanup())).isEmpty();
    assertThat(node.closed(neighbours.get(0))).isEmpty();
    assertThat(node.connected(peer("x"))).isEmpty();
    assertThat(node.receive(neighbours.get(1), new MembershipMessage.Shuffle(peer("o"), 0, List.of()))).isEmpty();
  }

  @Test
  void leavingTwiceSaysGoodbyeOnce() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    node.leave();
    assertThat(node.leave()).isEmpty();
  }
}
