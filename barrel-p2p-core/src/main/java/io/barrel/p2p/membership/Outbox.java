package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Collects the effects of one input in order, and is itself the unmodifiable list handed to the
 * driver. Every request and DISCONNECT sent is noted in the {@link AwaitedReplies}, so no send path
 * can forget to.
 *
 * <p>Being its own list (one object and one array per input with effects, where an ArrayList and
 * an unmodifiable view of it made three) matters at scale: a 10,000-node simulation handles tens of
 * millions of inputs, and what they allocate is what its garbage collections cost.
 */
final class Outbox extends AbstractList<MembershipEffect> implements RandomAccess {

  /** Made on the first effect: many inputs (a stale timer, a duplicate) have none. */
  private MembershipEffect[] effects;
  private int size;
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
    append(new MembershipEffect.Send(peer, message));
  }

  void connect(NodeName peer) {
    append(new MembershipEffect.Connect(peer));
  }

  void hangUp(NodeName peer) {
    replies.connectionGone(peer);
    append(new MembershipEffect.Disconnect(peer));
  }

  void schedule(MembershipTimer timer, Duration delay) {
    append(new MembershipEffect.Schedule(timer, delay));
  }

  void peerUp(NodeName peer) {
    append(new MembershipEffect.Emit(new MembershipEvent.PeerUp(peer)));
  }

  void peerDown(NodeName peer, DownReason reason) {
    append(new MembershipEffect.Emit(new MembershipEvent.PeerDown(peer, reason)));
  }

  /**
   * The effects, in order: this outbox itself, read-only (every mutator of {@link AbstractList}
   * throws), or the shared empty list. The outbox is made for one input and dropped once its
   * effects are handed over, so nothing changes the list behind the caller's back.
   */
  List<MembershipEffect> effects() {
    return size == 0 ? List.of() : this;
  }

  @Override
  public MembershipEffect get(int index) {
    Objects.checkIndex(index, size);
    return effects[index];
  }

  @Override
  public int size() {
    return size;
  }

  private void append(MembershipEffect effect) {
    if (effects == null) {
      effects = new MembershipEffect[4];
    } else if (size == effects.length) {
      effects = Arrays.copyOf(effects, size * 2);
    }
    effects[size++] = effect;
  }
}
