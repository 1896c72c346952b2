package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One Plumtree message between two neighbours. The byte layouts are drawn in
 * {@link BroadcastCodec}. Every record checks its fields on construction, so any message that
 * exists can be encoded (the codec adds the configured size limits on top).
 *
 * <p>Hop counts say how many links a broadcast has crossed when it arrives: the origin sends
 * {@code hops = 1} to its neighbours, who forward {@code hops + 1}. They saturate at
 * {@link #MAX_HOPS}, which no real overlay reaches.
 *
 * <p>Each origin's broadcasts travel along a spanning tree of their own (see {@link Plumtree}), so
 * every message that moves a link in or out of a tree names the tree's root: the origin of the
 * broadcasts it carries. A GOSSIP names it as its origin; IHAVE announcements, GRAFT and PRUNE
 * carry it as {@code root}.
 */
public sealed interface BroadcastMessage
    permits BroadcastMessage.Gossip, BroadcastMessage.IHave, BroadcastMessage.Graft, BroadcastMessage.Prune {

  /** Largest hop count a message carries. */
  int MAX_HOPS = 0xFFFF;
  /** Largest number of announcements one IHAVE can hold on the wire (the config bounds it lower). */
  int MAX_ANNOUNCEMENTS = 0xFFFF;

  /**
   * The payload itself, eagerly pushed along the tree (or sent in answer to a GRAFT).
   *
   * @param id the broadcast's id
   * @param topic what upper layer it is for
   * @param payload the bytes the origin broadcast
   * @param hops links crossed on arrival, 0..{@link #MAX_HOPS}
   * @param origin the node that broadcast it (not the previous hop, which the connection names)
   */
  record Gossip(MessageId id, Topic topic, byte[] payload, int hops, NodeName origin) implements BroadcastMessage {
    /** Checks and copies the fields. */
    public Gossip {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(origin, "origin");
      payload = Objects.requireNonNull(payload, "payload").clone();
      checkHops(hops);
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
      return payload.clone();
    }

    /** The payload's size, without the copy {@link #payload()} makes (metrics count it per message). */
    public int payloadLength() {
      return payload.length;
    }

    /** The payload without a copy, for the codec and the state machine, which never write to it. */
    byte[] sharedPayload() {
      return payload;
    }

    /** The same broadcast one link further on. */
    Gossip forwarded() {
      return new Gossip(id, topic, payload, Math.min(hops + 1, MAX_HOPS), origin);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Gossip g && g.id.equals(id) && g.topic.equals(topic) && g.hops == hops
          && g.origin.equals(origin) && Arrays.equals(g.payload, payload);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, topic, hops, origin, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
      return "Gossip[id=" + id + ", topic=" + topic + ", " + payload.length + " bytes, hops=" + hops
          + ", origin=" + origin + "]";
    }
  }

  /**
   * "I have these broadcasts": the lazy push, a batch of announcements for one neighbour.
   *
   * @param announcements 1..{@link #MAX_ANNOUNCEMENTS} announcements, in the order they were queued
   */
  record IHave(List<Announcement> announcements) implements BroadcastMessage {
    /** Checks and copies the batch. */
    public IHave {
      announcements = List.copyOf(Objects.requireNonNull(announcements, "announcements"));
      if (announcements.isEmpty() || announcements.size() > MAX_ANNOUNCEMENTS) {
        throw new IllegalArgumentException("an IHAVE holds 1.." + MAX_ANNOUNCEMENTS + " announcements, got "
            + announcements.size());
      }
    }
  }

  /**
   * One entry of an IHAVE.
   *
   * @param id the broadcast the sender holds
   * @param root its origin, whose tree a GRAFT for it would repair
   * @param hops the hop count the GOSSIP would arrive with over this link, 0..{@link #MAX_HOPS}
   */
  record Announcement(MessageId id, NodeName root, int hops) {
    /** Checks the fields. */
    public Announcement {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(root, "root");
      checkHops(hops);
    }
  }

  /**
   * "Put me back on your eager list for {@code root}'s tree", and (when {@code resend}) "send me that
   * broadcast". A GRAFT without resend is the tree optimisation's swap, from a node that already has
   * the message.
   *
   * @param id the broadcast asked for, or that prompted the swap
   * @param root the origin whose tree the link joins (the broadcast's origin, as announced)
   * @param hops the hop count the broadcast was announced with, 0..{@link #MAX_HOPS}
   * @param resend true to ask for the GOSSIP itself
   */
  record Graft(MessageId id, NodeName root, int hops, boolean resend) implements BroadcastMessage {
    /** Checks the fields. */
    public Graft {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(root, "root");
      checkHops(hops);
    }
  }

  /**
   * "I received a broadcast of {@code root} already; put me on your lazy list for its tree." The
   * link stays eager in every other origin's tree.
   *
   * @param root the origin whose tree the link leaves
   */
  record Prune(NodeName root) implements BroadcastMessage {
    /** Checks the field. */
    public Prune {
      Objects.requireNonNull(root, "root");
    }
  }

  private static void checkHops(int hops) {
    if (hops < 0 || hops > MAX_HOPS) {
      throw new IllegalArgumentException("hop count must be 0.." + MAX_HOPS + ", got " + hops);
    }
  }
}
