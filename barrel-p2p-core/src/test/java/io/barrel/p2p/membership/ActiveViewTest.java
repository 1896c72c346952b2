package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.peers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The active view is a peer table itself (one object fewer between a node and its neighbours); its
 * bound must hold through the table's own add as well as through the view's.
 */
class ActiveViewTest {

  @Test
  void theBoundHoldsThroughEitherAdd() {
    List<NodeName> names = peers("p", 4);
    ActiveView view = new ActiveView(3);
    view.add(names.get(0));
    view.add(names.get(1), null);
    view.add(names.get(2));
    assertThat(view.isFull()).isTrue();
    assertThatThrownBy(() -> view.add(names.get(3))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("full");
    assertThatThrownBy(() -> view.add(names.get(3), null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("full");
    assertThat(view.members()).containsExactly(names.get(0), names.get(1), names.get(2));
  }

  @Test
  void aNeighbourIsHeldOnceThroughEitherAdd() {
    List<NodeName> names = peers("p", 2);
    ActiveView view = new ActiveView(3);
    view.add(names.get(0));
    assertThatThrownBy(() -> view.add(names.get(0), null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already");
    assertThatThrownBy(() -> view.add(NodeName.of(names.get(0).toString()))).isInstanceOf(
        IllegalStateException.class);
    assertThat(view.remove(names.get(0))).isTrue();
    view.add(names.get(1), null);
    assertThat(view.members()).containsExactly(names.get(1));
  }
}
