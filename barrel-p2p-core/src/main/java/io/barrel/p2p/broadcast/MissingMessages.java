package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Broadcasts that lazy peers announced and this node has not received, each with the peers that
 * announced it, in the order they did. The reference system remembers one announcer and GRAFTs it
 * once; here every missing id keeps up to {@code maxAnnouncers} of them, and GRAFTs go to each in
 * turn until the broadcast arrives or the attempts run out.
 *
 * <p>Bounded in count: past {@code maxMissing} the oldest entry is forgotten (its timer then finds
 * nothing), so a peer announcing bogus ids cannot grow memory. Each entry also ends on its own once
 * its last GRAFT timer fires, so entries live at most one repair window.
 */
final class MissingMessages {

  /**
   * One announcement of a missing broadcast.
   *
   * @param peer the lazy peer that announced it
   * @param hops the hop count it announced
   */
  record Announcer(NodeName peer, int hops) {}

  /** What is known about one missing broadcast. */
  static final class Missing {
    private final NodeName root;
    private final List<Announcer> announcers = new ArrayList<>(2);
    private int attempts;
    private int next;

    private Missing(NodeName root) {
      this.root = root;
    }

    /**
     * The broadcast's origin as its first announcer named it: the tree a GRAFT for it repairs. An
     * honest announcer names the id's true origin, so later announcers cannot disagree.
     */
    NodeName root() {
      return root;
    }

    /** GRAFTs sent so far; also the attempt number of the armed timer. */
    int attempts() {
      return attempts;
    }

    List<Announcer> announcers() {
      return announcers;
    }

    /** The announcer to GRAFT now, taking them in turn so a retry goes to the next one; counts the attempt. */
    Announcer nextAnnouncer() {
      Announcer chosen = announcers.get(next % announcers.size());
      next = (next + 1) % announcers.size();
      attempts++;
      return chosen;
    }

    /** The announcer with the smallest hop count, or null when none is left. */
    Announcer shortest() {
      Announcer best = null;
      for (Announcer a : announcers) {
        if (best == null || a.hops() < best.hops()) {
          best = a;
        }
      }
      return best;
    }

    private boolean add(NodeName peer, int hops, int max) {
      for (Announcer a : announcers) {
        if (a.peer().equals(peer)) {
          return false;
        }
      }
      if (announcers.size() >= max) {
        return false;
      }
      announcers.add(new Announcer(peer, hops));
      return true;
    }

    private void remove(NodeName peer) {
      for (int i = 0; i < announcers.size(); i++) {
        if (announcers.get(i).peer().equals(peer)) {
          announcers.remove(i);
          if (next > i) {
            next--;
          }
          if (next >= announcers.size()) {
            next = 0;
          }
          return;
        }
      }
    }
  }

  private final int maxMissing;
  private final int maxAnnouncers;
  private final LinkedHashMap<MessageId, Missing> entries = new LinkedHashMap<>();

  MissingMessages(int maxMissing, int maxAnnouncers) {
    this.maxMissing = maxMissing;
    this.maxAnnouncers = maxAnnouncers;
  }

  /**
   * Records that {@code peer} announced {@code id}, a broadcast of {@code root}.
   *
   * @return true when the id was not missing before, so its first GRAFT timer must be armed
   */
  boolean announce(MessageId id, NodeName root, NodeName peer, int hops) {
    Missing missing = entries.get(id);
    if (missing != null) {
      missing.add(peer, hops, maxAnnouncers);
      return false;
    }
    if (entries.size() >= maxMissing) {
      Iterator<MessageId> oldest = entries.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    missing = new Missing(root);
    missing.add(peer, hops, maxAnnouncers);
    entries.put(id, missing);
    return true;
  }

  // Lookups first ask whether anything is missing at all: nearly always nothing is, and every new
  // GOSSIP asks, so the map's table (a cache line of its own, cold at a node that has not needed
  // it for a while) is only read when it holds something.
  Missing get(MessageId id) {
    return entries.isEmpty() ? null : entries.get(id);
  }

  Missing remove(MessageId id) {
    return entries.isEmpty() ? null : entries.remove(id);
  }

  /** Forgets {@code peer} as an announcer everywhere: it is no longer a neighbour to GRAFT. */
  void forget(NodeName peer) {
    for (Missing missing : entries.values()) {
      missing.remove(peer);
    }
  }

  int size() {
    return entries.size();
  }
}
