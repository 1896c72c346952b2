package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Plumtree epidemic broadcast (Leitão, Pereira, Rodrigues, "Epidemic Broadcast Trees", SRDS 2007)
 * for one node, as a pure state machine: each input goes in with the time, effects come out. No I/O,
 * no threads, no clock of its own; ids come from the injected random source. Not thread-safe: one
 * serial executor drives it.
 *
 * <p>Payloads travel along spanning trees made of eager links, one tree per root (the origin of
 * the broadcasts); every other link of a root's tree is lazy and only carries ids, which is how the
 * tree heals when an eager link loses a message or a node dies. Below, "eager for r" and "lazy for
 * r" are the sets of root r, the broadcast's origin ({@link RootTrees}).
 *
 * <pre>
 *  input                              state change                       effects
 *  broadcast(topic, bytes)            seen += id, cache it               GOSSIP(hops 1) to eager for self,
 *                                     (no Deliver: no self-echo)         IHAVE(id, self, 1) queued for lazy
 *  GOSSIP from P, origin r, new id    seen += id, cache it, P eager      Deliver; GOSSIP(hops+1) to eager for
 *                                     for r                              r - P, IHAVE(id, r, hops+1) queued
 *                                                                        for lazy for r - P
 *  GOSSIP from P, seen id (or own)    P lazy for r                       PRUNE(r) to P
 *  IHAVE [(id, r, hops)...] from L    unknown id: L is an announcer      first announcer: Schedule GraftTimer(id, 0)
 *  timer GraftTimer(id, n), missing   next announcer A eager for r       GRAFT(id, r) to A; Schedule
 *                                     (announcers in turn)               GraftTimer(id, n+1)
 *  timer GraftTimer(id, max)          give up on id                      -
 *  GRAFT(id, r) from P                P eager for r                      GOSSIP to P when still cached
 *  PRUNE(r) from P                    P lazy for r                       -
 *  timer IHaveFlush                   queues emptied                     one IHAVE per lazy peer with a queue
 *  neighbourUp(P) / neighbourDown(P)  P eager for every root /           -
 *                                     P forgotten everywhere
 * </pre>
 *
 * The first broadcasts of a root flood every link; each duplicate is answered with PRUNE for that
 * root, so its eager links settle into a tree and a stable overlay then carries exactly one GOSSIP
 * per node per broadcast, however many nodes broadcast at once. A GRAFT that goes unanswered is
 * retried with the next announcer (the reference system GRAFTs one peer once). Timers are never
 * cancelled; a timer that fires after it stopped mattering does nothing.
 *
 * <p>Tree state is bounded by {@link PlumtreeConfig#maxRoots()} (least recently used roots are
 * forgotten) and {@link PlumtreeConfig#rootMaxAge()}; a forgotten root starts again with every
 * link eager, as a new one does.
 *
 * <p>With {@link PlumtreeConfig#treeOptimisation()} a lazy peer that announces a broadcast with
 * {@code threshold} fewer hops than the eager path it arrived on replaces that path in the
 * broadcast's root's tree: it is sent a GRAFT without resend and the eager sender a PRUNE.
 */
public final class Plumtree {

  private final NodeName self;
  /** {@code self}'s hash: telling a name is not this node's own then reads this object only. */
  private final int selfHash;
  private final PlumtreeConfig config;
  private final RandomGenerator random;
  private final RootTrees trees;
  private final SeenMessages seen;
  private final PayloadCache payloads;
  private final MissingMessages missing;
  private final IHaveQueue ihaves;
  /**
   * No entry of the seen-set, the payload cache or the root trees is due for expiry before this time
   * (once {@link #quietKnown}), so the expiry pass every input starts with can be skipped until
   * then by reading this object alone. The three collections' own checks read six objects; at
   * thousands of simulated nodes each was a cache miss on every input, for an answer nearly always
   * "nothing is due". Times are compared by their difference, as the collections compare them.
   */
  private long quietUntil;
  private boolean quietKnown;
  /**
   * The same bound for each collection on its own (valid once {@link #quietKnown}), so that a pass
   * reads only the collections that may have something due: their entries arrive at different
   * times and have different ages, so most passes are for one of them, and each collection left
   * alone is four or five objects not read.
   */
  private long seenDue;
  private long payloadsDue;
  private long treesDue;
  private final long seenMaxAgeNanos;
  private final long payloadMaxAgeNanos;
  private final long rootMaxAgeNanos;

  /**
   * A node with no broadcast history.
   *
   * @param self this node's name; it never delivers, nor forwards as new, a broadcast from itself
   * @param neighbours the current active view; all start eager for every root
   * @param config validated settings
   * @param random source of message ids; seeded in simulations, a {@code SecureRandom} in production
   *     so that ids cannot be predicted and pre-empted by a peer
   */
  public Plumtree(NodeName self, Collection<NodeName> neighbours, PlumtreeConfig config, RandomGenerator random) {
    this.self = Objects.requireNonNull(self, "self");
    this.selfHash = self.hashCode();
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    this.seen = new SeenMessages(config.seenMaxCount(), config.seenMaxAge().toNanos());
    this.payloads = new PayloadCache(config.payloadCacheMaxCount(), config.payloadCacheMaxBytes(),
        config.payloadCacheMaxAge().toNanos());
    this.missing = new MissingMessages(config.maxMissingMessages(), config.maxAnnouncers());
    this.ihaves = new IHaveQueue(config.ihaveFlushInterval(), config.maxIHaveBatch());
    this.trees = new RootTrees(config.maxRoots(), config.rootMaxAge().toNanos());
    this.seenMaxAgeNanos = config.seenMaxAge().toNanos();
    this.payloadMaxAgeNanos = config.payloadCacheMaxAge().toNanos();
    this.rootMaxAgeNanos = config.rootMaxAge().toNanos();
    for (NodeName peer : Objects.requireNonNull(neighbours, "neighbours")) {
      if (!peer.equals(self)) {
        trees.up(peer);
      }
    }
  }

  /** A fresh 128-bit id from the injected source, for callers that want to know it before broadcasting. */
  public MessageId newMessageId() {
    return MessageId.random(random);
  }

  /** Broadcasts {@code payload} under a fresh id; see {@link #broadcast(MessageId, Topic, byte[], long)}. */
  public List<PlumtreeEffect> broadcast(Topic topic, byte[] payload, long nowNanos) {
    return broadcast(newMessageId(), topic, payload, nowNanos);
  }

  /**
   * Broadcasts {@code payload} to every node of the cluster but this one. An id this node has already
   * seen is ignored (empty effects), so a caller may retry with the same id safely.
   *
   * @throws IllegalArgumentException when the payload exceeds {@code max-payload-bytes}
   */
  public List<PlumtreeEffect> broadcast(MessageId id, Topic topic, byte[] payload, long nowNanos) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    if (payload.length > config.maxPayloadBytes()) {
      throw new IllegalArgumentException("broadcast payload of " + payload.length + " bytes exceeds"
          + " barrel.p2p.broadcast.max-payload-bytes (" + config.maxPayloadBytes() + " bytes); send large data"
          + " over a stream and broadcast a reference to it");
    }
    expire(nowNanos);
    List<PlumtreeEffect> out = new ArrayList<>();
    if (seen.contains(id)) {
      return out;
    }
    seen.add(id, nowNanos, 0, null);
    BroadcastMessage.Gossip own = new BroadcastMessage.Gossip(id, topic, payload, 0, self);
    payloads.put(own, nowNanos);
    push(own.forwarded(), null, nowNanos, out);
    return finish(out);
  }

  /**
   * Handles a message decoded from neighbour {@code from}'s control stream.
   *
   * <p>Messages from a peer that is not (or no longer) a neighbour are still used where that is
   * safe: a new GOSSIP is delivered and forwarded, IHAVEs are remembered, GRAFTs are answered. Only
   * neighbours are moved between the eager and lazy sets of a root, so a late message never re-adds
   * a peer that membership has dropped.
   */
  public List<PlumtreeEffect> onMessage(NodeName from, BroadcastMessage message, long nowNanos) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(message, "message");
    expire(nowNanos);
    List<PlumtreeEffect> out = new ArrayList<>();
    if (from.hashCode() == selfHash && from.equals(self)) {
      return out;
    }
    // Java 17 has no pattern switch; the chain ends in an error so a new message type cannot slip by.
    if (message instanceof BroadcastMessage.Gossip gossip) {
      onGossip(from, gossip, nowNanos, out);
    } else if (message instanceof BroadcastMessage.IHave ihave) {
      onIHave(from, ihave, nowNanos, out);
    } else if (message instanceof BroadcastMessage.Graft graft) {
      onGraft(from, graft, nowNanos, out);
    } else if (message instanceof BroadcastMessage.Prune prune) {
      trees.prune(prune.root(), from, nowNanos);
    } else {
      throw new IllegalArgumentException("not a broadcast message: " + message);
    }
    return finish(out);
  }

  /** Handles a timer armed by an earlier {@link PlumtreeEffect.Schedule}. */
  public List<PlumtreeEffect> onTimer(PlumtreeTimer timer, long nowNanos) {
    Objects.requireNonNull(timer, "timer");
    expire(nowNanos);
    List<PlumtreeEffect> out = new ArrayList<>();
    if (timer instanceof PlumtreeTimer.IHaveFlush) {
      ihaves.flush(out);
    } else if (timer instanceof PlumtreeTimer.GraftTimer graftTimer) {
      onGraftTimer(graftTimer, nowNanos, out);
    } else {
      throw new IllegalArgumentException("not a Plumtree timer: " + timer);
    }
    return finish(out);
  }

  /** Membership added {@code peer} to the active view: it starts as an eager peer of every root. */
  public List<PlumtreeEffect> neighbourUp(NodeName peer, long nowNanos) {
    Objects.requireNonNull(peer, "peer");
    expire(nowNanos);
    if (!peer.equals(self)) {
      trees.up(peer);
    }
    return List.of();
  }

  /**
   * Membership dropped {@code peer} (for any reason): it leaves every root's sets, its queued
   * announcements are dropped, and it is no longer an announcer to GRAFT; the subtrees it fed heal
   * through the lazy links.
   */
  public List<PlumtreeEffect> neighbourDown(NodeName peer, long nowNanos) {
    Objects.requireNonNull(peer, "peer");
    expire(nowNanos);
    trees.down(peer);
    ihaves.drop(peer);
    missing.forget(peer);
    return List.of();
  }

  /** The neighbours, in the order they came up (an unmodifiable snapshot). */
  public Set<NodeName> neighbours() {
    return trees.neighbours();
  }

  /**
   * The neighbours sent every GOSSIP of {@code root}'s broadcasts (the root's tree links here), in
   * the order they came up (a snapshot). A root this node keeps nothing for has every neighbour eager.
   */
  public List<NodeName> eagerPeers(NodeName root) {
    return trees.eager(Objects.requireNonNull(root, "root"));
  }

  /** The neighbours sent only IHAVEs of {@code root}'s broadcasts, in the order they were pruned (a snapshot). */
  public List<NodeName> lazyPeers(NodeName root) {
    return trees.lazy(Objects.requireNonNull(root, "root"));
  }

  /** This node's name. */
  public NodeName self() {
    return self;
  }

  /** A snapshot of the sizes of this node's state. */
  public PlumtreeStats stats() {
    return new PlumtreeStats(trees.neighbourCount(), trees.roots(), trees.lazyLinks(), trees.evicted(),
        seen.size(), payloads.size(), payloads.bytes(), missing.size(), ihaves.size());
  }

  private void onGossip(NodeName from, BroadcastMessage.Gossip gossip, long nowNanos, List<PlumtreeEffect> out) {
    MessageId id = gossip.id();
    NodeName root = gossip.origin();
    if (root.equals(self) || seen.contains(id)) {
      if (trees.isNeighbour(from)) {
        trees.prune(root, from, nowNanos);
        out.add(new PlumtreeEffect.Send(from, new BroadcastMessage.Prune(root)));
      }
      return;
    }
    seen.add(id, nowNanos, gossip.hops(), from);
    payloads.put(gossip, nowNanos);
    MissingMessages.Missing wasMissing = missing.remove(id);
    out.add(new PlumtreeEffect.Deliver(gossip.topic(), gossip.sharedPayload(), id, root, gossip.hops()));
    push(gossip.forwarded(), from, nowNanos, out);
    trees.graft(root, from, nowNanos);
    if (config.treeOptimisation() && wasMissing != null) {
      MissingMessages.Announcer shortest = wasMissing.shortest();
      if (shortest != null) {
        swapIfShorter(id, root, gossip.hops(), from, shortest.peer(), shortest.hops(), nowNanos, out);
      }
    }
  }

  private void onIHave(NodeName from, BroadcastMessage.IHave ihave, long nowNanos, List<PlumtreeEffect> out) {
    for (BroadcastMessage.Announcement announcement : ihave.announcements()) {
      MessageId id = announcement.id();
      SeenMessages.Seen known = seen.get(id);
      if (known != null) {
        if (config.treeOptimisation() && known.from() != null) {
          swapIfShorter(id, announcement.root(), known.hops(), known.from(), from, announcement.hops(), nowNanos,
              out);
        }
      } else if (missing.announce(id, announcement.root(), from, announcement.hops())) {
        out.add(new PlumtreeEffect.Schedule(new PlumtreeTimer.GraftTimer(id, 0), config.graftTimeout()));
      }
    }
  }

  private void onGraft(NodeName from, BroadcastMessage.Graft graft, long nowNanos, List<PlumtreeEffect> out) {
    trees.graft(graft.root(), from, nowNanos);
    if (graft.resend()) {
      BroadcastMessage.Gossip cached = payloads.get(graft.id(), nowNanos);
      if (cached != null) {
        out.add(new PlumtreeEffect.Send(from, cached.forwarded()));
      }
    }
  }

  private void onGraftTimer(PlumtreeTimer.GraftTimer timer, long nowNanos, List<PlumtreeEffect> out) {
    MissingMessages.Missing entry = missing.get(timer.id());
    if (entry == null || entry.attempts() != timer.attempt()) {
      return;
    }
    if (entry.attempts() >= config.maxGraftAttempts() || entry.announcers().isEmpty()) {
      missing.remove(timer.id());
      return;
    }
    MissingMessages.Announcer announcer = entry.nextAnnouncer();
    trees.graft(entry.root(), announcer.peer(), nowNanos);
    out.add(new PlumtreeEffect.Send(announcer.peer(),
        new BroadcastMessage.Graft(timer.id(), entry.root(), announcer.hops(), true)));
    out.add(new PlumtreeEffect.Schedule(new PlumtreeTimer.GraftTimer(timer.id(), entry.attempts()),
        config.graftRetryTimeout()));
  }

  /**
   * The paper's optional optimisation, within {@code root}'s tree: the broadcast came over eager
   * link {@code eager} with {@code eagerHops}, while lazy link {@code lazy} offers {@code lazyHops};
   * when that is at least the threshold shorter, the lazy link joins the tree and the eager one
   * leaves it.
   */
  private void swapIfShorter(MessageId id, NodeName root, int eagerHops, NodeName eager, NodeName lazy,
      int lazyHops, long nowNanos, List<PlumtreeEffect> out) {
    if (eager.equals(lazy) || lazyHops + config.optimisationThreshold() > eagerHops
        || !trees.isEager(root, eager) || !trees.isLazy(root, lazy)) {
      return;
    }
    trees.graft(root, lazy, nowNanos);
    trees.prune(root, eager, nowNanos);
    seen.reroute(id, lazyHops, lazy);
    out.add(new PlumtreeEffect.Send(lazy, new BroadcastMessage.Graft(id, root, lazyHops, false)));
    out.add(new PlumtreeEffect.Send(eager, new BroadcastMessage.Prune(root)));
  }

  /**
   * GOSSIP to the eager peers of the broadcast's root and an announcement for its lazy ones, except
   * the peer it came from.
   */
  private void push(BroadcastMessage.Gossip gossip, NodeName from, long nowNanos, List<PlumtreeEffect> out) {
    NodeName root = gossip.origin();
    trees.touch(root, nowNanos);
    for (NodeName peer : trees.eager(root)) {
      if (!peer.equals(from)) {
        out.add(new PlumtreeEffect.Send(peer, gossip));
      }
    }
    List<NodeName> lazy = trees.lazy(root);
    if (lazy.isEmpty()) {
      return;
    }
    BroadcastMessage.Announcement announcement = new BroadcastMessage.Announcement(gossip.id(), root, gossip.hops());
    for (NodeName peer : lazy) {
      if (!peer.equals(from)) {
        ihaves.add(peer, announcement, out);
      }
    }
  }

  private void expire(long nowNanos) {
    // Whatever this input adds is stamped nowNanos or later (the collections never stamp earlier),
    // so it is due no sooner than nowNanos plus its collection's maximum age.
    long seenAdded = nowNanos + seenMaxAgeNanos;
    long payloadAdded = nowNanos + payloadMaxAgeNanos;
    long rootAdded = nowNanos + rootMaxAgeNanos;
    if (quietKnown) {
      seenDue = earlier(seenDue, seenAdded);
      payloadsDue = earlier(payloadsDue, payloadAdded);
      treesDue = earlier(treesDue, rootAdded);
      if (nowNanos - quietUntil < 0) {
        quietUntil = earlier(seenDue, earlier(payloadsDue, treesDue));
        return;
      }
    }
    // A collection whose bound has not come cannot have anything due: its own check would say no.
    if (!quietKnown || nowNanos - seenDue >= 0) {
      seen.expire(nowNanos);
      seenDue = earlier(seenAdded, seen.dueAt(seenAdded));
    }
    if (!quietKnown || nowNanos - payloadsDue >= 0) {
      payloads.expire(nowNanos);
      payloadsDue = earlier(payloadAdded, payloads.dueAt(payloadAdded));
    }
    if (!quietKnown || nowNanos - treesDue >= 0) {
      trees.expire(nowNanos);
      treesDue = earlier(rootAdded, trees.dueAt(rootAdded));
    }
    quietUntil = earlier(seenDue, earlier(payloadsDue, treesDue));
    quietKnown = true;
  }

  private static long earlier(long a, long b) {
    return a - b < 0 ? a : b;
  }

  private List<PlumtreeEffect> finish(List<PlumtreeEffect> out) {
    ihaves.flushIfUnbatched(out);
    return out;
  }
}
