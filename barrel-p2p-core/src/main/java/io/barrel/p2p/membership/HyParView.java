package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One node's HyParView membership as a pure state machine: each input (an API call, a message from
 * a peer, a connection event, a timer) returns the effects the driver must carry out, in order. It
 * does no I/O, starts no thread and reads no clock: {@code nowMillis} is the caller's monotonic
 * clock in milliseconds (the same clock for every call), and randomness comes from the generator
 * passed in, so a seeded run is reproducible. Not thread-safe: the driver feeds one node's inputs
 * from one serial executor.
 *
 * <p>Message flows (the sender of a message is always the peer whose connection delivered it):
 * <pre>
 * join through a contact C                        end of a join walk at E
 *   N: Connect(C) ... onConnected(C)                E: Connect(N) ... onConnected(N)
 *   N ---- JOIN --------------------------&gt; C        E ---- NEIGHBOR(HIGH) --------------&gt; N
 *     C adds N; if full it first evicts V:            N adds E (evicting if full)
 *     C ---- DISCONNECT(alive) ----&gt; V
 *   N &lt;--- NEIGHBOR_REPLY(accepted) ------- C        E &lt;--- NEIGHBOR_REPLY(accepted) ---- N
 *     N adds C                                        E adds N (evicting if full)
 *   C ---- FORWARD_JOIN(N, ARWL) ---------&gt; every other neighbour of C
 *     at each hop: ttl 0 or a single neighbour: the walk ends here (right-hand flow);
 *                  ttl == PRWL: keep N as passive; then forward ttl-1 to a random neighbour
 *
 * filling a free slot from the passive view         dropping a link
 *   A ---- NEIGHBOR(p) -------------------&gt; P        A ---- DISCONNECT(alive) -----------&gt; B
 *     p = HIGH while A holds fewer neighbours         alive: B keeps A as passive (EVICTED)
 *     than active-floor (one such request at a        not alive: A is leaving (GRACEFUL)
 *     time), LOW otherwise
 *     P accepts HIGH always (evicting), LOW if room   B drops A, then fills the slot
 *   A &lt;--- NEIGHBOR_REPLY(accepted?) ------ P        a closed connection: both ends drop the
 *     yes: A adds P, or, if its room went             link (FAILED) and retry it later with
 *          meanwhile, undoes it with DISCONNECT       backoff, HIGH, as a lost link
 *     no:  P deferred (backoff), next candidate
 *
 * shuffle (every shuffle-period)
 *   A ---- SHUFFLE(A, ttl, [A, 3 active, 4 passive]) ---&gt; random neighbour ---&gt; ... ttl hops
 *   A &lt;--- SHUFFLE_REPLY(sample of its passive view) --- the node where the walk ends (direct)
 * </pre>
 *
 * <p>Guarantees, each enforced in one place. The active view is symmetric except while the reply
 * or DISCONNECT that settles a change is in flight: a peer is added only when the other side has
 * accepted (by its reply) or is accepted (by this node's reply), every drop is told to the peer,
 * and a late acceptance of a request this node has since undone is recognised and ignored. The
 * view never exceeds {@code active-size}, JOIN included: a full view evicts, and tells the evicted
 * peer, before it adds. Every addition emits one PeerUp and every removal one PeerDown. A node that
 * has joined keeps trying passive peers, lost links and, while it has no neighbour, its contacts.
 *
 * <p>What the driver guarantees in return: messages to one peer arrive in the order they were sent
 * (one control stream per connection); a message that cannot be delivered is reported as
 * {@code onConnectFailed}; and the close of a connection is reported before anything that happens
 * on a later connection to the same peer.
 */
public final class HyParView {

  private final NodeState s;
  private final LinkRepair repair;
  private final LinkProtocol links;
  private final ShuffleProtocol shuffles;

  /**
   * A node that has not joined yet; it refuses every link until {@link #join} is called.
   *
   * @param self this node's name
   * @param config validated settings
   * @param random the only source of randomness, seeded by the caller for reproducible runs
   */
  public HyParView(NodeName self, MembershipConfig config, RandomGenerator random) {
    this.s = new NodeState(Objects.requireNonNull(self, "self"), Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(random, "random"));
    this.repair = new LinkRepair(s);
    this.links = new LinkProtocol(s, repair);
    this.shuffles = new ShuffleProtocol(s, links);
  }

  // ------------------------------------------------------------------ API calls

  /**
   * Joins the overlay through {@code contacts} (self is ignored; an empty list starts the first node
   * of a cluster). The first call arms the periodic timers; the contacts are remembered and tried
   * one at a time, with backoff, whenever the active view is empty. Calling it again adds contacts.
   *
   * @throws IllegalStateException after {@link #leave}: a node that left is done, build a new one
   */
  public List<MembershipEffect> join(Collection<NodeName> contacts, long nowMillis) {
    Objects.requireNonNull(contacts, "contacts");
    if (s.phase == NodeState.Phase.LEFT) {
      throw new IllegalStateException(s.self + " has left the cluster; build a new HyParView to join again");
    }
    Outbox out = s.outbox();
    s.contacts.addAll(contacts, s.self);
    if (s.phase == NodeState.Phase.NEW) {
      s.phase = NodeState.Phase.MEMBER;
      // A random first shuffle spreads the nodes of a cluster started at once over the period.
      long period = s.config.shufflePeriod().toMillis();
      out.schedule(new MembershipTimer.Shuffle(), Duration.ofMillis(1 + s.random.nextLong(period)));
      s.repairOrigin = nowMillis; // the repair tick's phase, armed by the refill below while it has work
      out.schedule(new MembershipTimer.PassiveCleanup(), s.config.passiveCleanupPeriod());
    }
    repair.refill(nowMillis, out);
    return out.effects();
  }

  /**
   * Leaves the cluster: DISCONNECT (alive = false) to every neighbour, a GRACEFUL PeerDown for each,
   * and both views emptied. From then on every request is refused and the timers lapse.
   */
  public List<MembershipEffect> leave(long nowMillis) {
    Outbox out = s.outbox();
    for (NodeName peer : s.active.members()) {
      out.send(peer, new MembershipMessage.Disconnect(false));
      out.peerDown(peer, DownReason.GRACEFUL);
    }
    s.phase = NodeState.Phase.LEFT;
    s.active.clear();
    s.passive.clear();
    s.lost.clear();
    s.attempts.clear();
    s.replies.clear();
    return out.effects();
  }

  // ------------------------------------------------------------------ inputs from the driver

  /** A message from {@code from}, the authenticated peer at the other end of the connection. */
  public List<MembershipEffect> onMessage(NodeName from, MembershipMessage message, long nowMillis) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(message, "message");
    Outbox out = s.outbox();
    if (s.isSelf(from)) {
      return out.effects();
    }
    // The views are disjoint (a peer enters the active view only through LinkProtocol.link, which
    // takes it out of the passive view, and the passive view only takes peers not active), so a
    // neighbour's news has no passive entry to refresh. Most messages come from neighbours, and the
    // active view is read by their handlers anyway: this spares reading the passive view for them.
    if (!s.active.contains(from)) {
      s.passive.touch(from, nowMillis);
    }
    // Java 17 has no pattern switch; the chain ends in an error so a new message cannot slip by.
    if (message instanceof MembershipMessage.Join) {
      links.onJoin(from, nowMillis, out);
    } else if (message instanceof MembershipMessage.ForwardJoin walk) {
      links.onForwardJoin(from, walk, nowMillis, out);
    } else if (message instanceof MembershipMessage.Neighbor request) {
      links.onNeighbor(from, request, nowMillis, out);
    } else if (message instanceof MembershipMessage.NeighborReply reply) {
      links.onNeighborReply(from, reply, nowMillis, out);
    } else if (message instanceof MembershipMessage.Disconnect disconnect) {
      links.onDisconnect(from, disconnect, nowMillis, out);
    } else if (message instanceof MembershipMessage.Shuffle shuffle) {
      shuffles.onShuffle(from, shuffle, nowMillis, out);
    } else if (message instanceof MembershipMessage.ShuffleReply reply) {
      shuffles.onShuffleReply(reply, nowMillis);
    } else {
      throw new AssertionError("unhandled membership message " + message);
    }
    return out.effects();
  }

  /** A connection to {@code peer} is up, in answer to a {@link MembershipEffect.Connect} or not. */
  public List<MembershipEffect> onConnected(NodeName peer, long nowMillis) {
    Outbox out = s.outbox();
    if (s.isMember()) {
      repair.onConnected(peer, nowMillis, out);
    }
    return out.effects();
  }

  /** Dialing {@code peer} failed (a {@link MembershipEffect.Connect}, or a send that had to dial). */
  public List<MembershipEffect> onConnectFailed(NodeName peer, long nowMillis) {
    return connectionGone(peer, true, nowMillis);
  }

  /**
   * The established connection to {@code peer} closed or broke, whichever side ended it. The driver
   * reports it before anything that happens on a later connection to the same peer.
   */
  public List<MembershipEffect> onConnectionClosed(NodeName peer, long nowMillis) {
    return connectionGone(peer, false, nowMillis);
  }

  private List<MembershipEffect> connectionGone(NodeName peer, boolean dialFailed, long nowMillis) {
    Objects.requireNonNull(peer, "peer");
    Outbox out = s.outbox();
    s.replies.connectionGone(peer); // whatever it still owed was lost with the connection
    if (!s.isMember()) {
      return out.effects();
    }
    if (s.active.contains(peer)) {
      links.unlink(peer, DownReason.FAILED, nowMillis, out);
    } else {
      repair.onConnectionLost(peer, dialFailed, nowMillis, out);
    }
    return out.effects();
  }

  /** A timer asked for with {@link MembershipEffect.Schedule} has fired. */
  public List<MembershipEffect> onTimer(MembershipTimer timer, long nowMillis) {
    Objects.requireNonNull(timer, "timer");
    Outbox out = s.outbox();
    if (!s.isMember()) {
      return out.effects(); // after leave the timers lapse
    }
    if (timer instanceof MembershipTimer.Shuffle) {
      shuffles.onTimer(nowMillis, out);
    } else if (timer instanceof MembershipTimer.Repair) {
      repair.onTick(nowMillis, out);
    } else if (timer instanceof MembershipTimer.PassiveCleanup) {
      s.passive.expire(nowMillis, s.config.passiveMaxAge().toMillis());
      s.lost.expire(nowMillis, s.config.lostPeerRetention().toMillis());
      out.schedule(timer, s.config.passiveCleanupPeriod());
    } else if (timer instanceof MembershipTimer.AttemptDeadline) {
      repair.onDeadline(nowMillis, out);
    } else {
      throw new AssertionError("unhandled membership timer " + timer);
    }
    return out.effects();
  }

  // ------------------------------------------------------------------ queries

  /** This node's name. */
  public NodeName self() {
    return s.self;
  }

  /** The settings this node runs with. */
  public MembershipConfig config() {
    return s.config;
  }

  /** The neighbours this node holds links to (a snapshot). */
  public Set<NodeName> activeView() {
    return s.active.snapshot();
  }

  /** The peers kept as replacements (a snapshot). */
  public Set<NodeName> passiveView() {
    return s.passive.snapshot();
  }

  /** True when {@code peer} is a neighbour: the idle reaper must keep its connection. */
  public boolean isActive(NodeName peer) {
    return s.active.contains(peer);
  }

  /** Peers a link attempt is under way with (dialing or awaiting the reply); their connections are in use too. */
  public Set<NodeName> pendingLinks() {
    Set<NodeName> out = new LinkedHashSet<>();
    for (LinkAttempt attempt : s.attempts.all()) {
      out.add(attempt.peer);
    }
    return Collections.unmodifiableSet(out);
  }

  /** Neighbours lost to a failure that are still being retried (a snapshot). */
  public Set<NodeName> lostPeers() {
    return s.lost.snapshot();
  }

  /** The contact nodes this node joins through. */
  public List<NodeName> contacts() {
    return s.contacts.names();
  }

  /** True between {@link #join} and {@link #leave}. */
  public boolean isMember() {
    return s.isMember();
  }

  /** Consecutive failures recorded against a passive peer; 0 when it is not in the passive view. */
  public int passiveFailures(NodeName peer) {
    return s.passive.failures(peer);
  }

  @Override
  public String toString() {
    return "HyParView[" + s.self + ", " + s.phase + ", active=" + s.active.snapshot() + ", passive="
        + s.passive.size() + ", pending=" + s.attempts.all() + "]";
  }
}
