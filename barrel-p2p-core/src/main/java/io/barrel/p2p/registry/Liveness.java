package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The lease rules of the registry, pure: which nodes are alive, judged only by the heartbeats this
 * node has seen and its own monotonic clock. A node's services are visible while its lease runs; once
 * it expires they are hidden at once and the registry removes them.
 *
 * <p>A node is first tracked when a heartbeat arrives or when its entries are first seen (a late
 * joiner learns entries before heartbeats): either way its lease starts then, so entries of a node
 * this node has never heard from get one full expiry of grace, not zero. A heartbeat with a larger
 * incarnation means the node restarted; entries of its older lives are dead at once.
 *
 * <p>Not thread-safe: it lives on the node's protocol loop.
 */
public final class Liveness {

  /** What a heartbeat meant. */
  public enum Update {
    /** First heartbeat of a node not tracked before. */
    NEW_NODE,
    /** The lease of a live node was extended. */
    RENEWED,
    /**
     * A node whose lease had run out (whether or not {@link #expire} reported it yet) is back in the
     * same life (a healed partition).
     */
    REVIVED,
    /** The node restarted: entries of its earlier lives are dead. */
    NEW_INCARNATION,
    /** A heartbeat of an older life or an older sequence: ignored. */
    STALE
  }

  private static final class Record {
    long incarnation;
    long sequence;
    long renewedAt;
    boolean expired;

    Record(long incarnation, long sequence, long renewedAt) {
      this.incarnation = incarnation;
      this.sequence = sequence;
      this.renewedAt = renewedAt;
    }
  }

  private final NodeName self;
  private final long incarnation;
  private final long expiryMillis;
  private final long forgetMillis;
  private final Map<NodeName, Record> records = new HashMap<>();
  private final List<NodeName> forgotten = new ArrayList<>();
  private long sequence;

  /**
   * @param incarnation this node's life: its start time in wall-clock milliseconds, and above every earlier life
   *     of the node whatever its clock did ({@link io.barrel.p2p.identity.IncarnationStore})
   */
  public Liveness(NodeName self, long incarnation, LivenessConfig config) {
    this.self = Objects.requireNonNull(self, "self");
    this.incarnation = incarnation;
    this.expiryMillis = config.leaseExpiry().toMillis();
    this.forgetMillis = config.forgetAfter().toMillis();
  }

  /** This node's incarnation. */
  public long incarnation() {
    return incarnation;
  }

  /** The next heartbeat to broadcast. */
  public Lease nextHeartbeat() {
    return new Lease(self, incarnation, ++sequence);
  }

  /** A heartbeat arrived (or a node's own, which changes nothing). */
  public Update onLease(Lease lease, long nowMillis) {
    if (lease.node().equals(self)) {
      return Update.STALE;
    }
    Record r = records.get(lease.node());
    if (r == null) {
      records.put(lease.node(), new Record(lease.incarnation(), lease.sequence(), nowMillis));
      return Update.NEW_NODE;
    }
    if (lease.incarnation() < r.incarnation
        || (lease.incarnation() == r.incarnation && lease.sequence() <= r.sequence)) {
      return Update.STALE;
    }
    boolean restarted = lease.incarnation() > r.incarnation;
    // Lapsed counts as expired even before expire() marked it: entries that arrived in between were
    // not shown, and the caller must look at them again.
    boolean wasExpired = r.expired || nowMillis - r.renewedAt > expiryMillis;
    r.incarnation = lease.incarnation();
    r.sequence = lease.sequence();
    r.renewedAt = nowMillis;
    r.expired = false;
    if (restarted) {
      return Update.NEW_INCARNATION;
    }
    return wasExpired ? Update.REVIVED : Update.RENEWED;
  }

  /**
   * Entries of {@code node} in life {@code incarnation} were seen. An unknown node starts being
   * tracked (its grace period starts now); a larger incarnation than known means it restarted, which
   * returns true: entries of its older lives are dead.
   */
  public boolean track(NodeName node, long nodeIncarnation, long nowMillis) {
    if (node.equals(self)) {
      return false;
    }
    Record r = records.get(node);
    if (r == null) {
      // Sequence 0: the first heartbeat of this life is still news, whatever its number.
      records.put(node, new Record(nodeIncarnation, 0, nowMillis));
      return false;
    }
    if (nodeIncarnation > r.incarnation) {
      r.incarnation = nodeIncarnation;
      r.sequence = 0;
      r.renewedAt = nowMillis;
      r.expired = false;
      return true;
    }
    return false;
  }

  /**
   * Whether entries of {@code node} from life {@code nodeIncarnation} count as alive: this node
   * itself always; others while their lease runs and no later life has been seen. An untracked node
   * is not alive — {@link #track} it first.
   */
  public boolean isLive(NodeName node, long nodeIncarnation, long nowMillis) {
    if (node.equals(self)) {
      return nodeIncarnation == incarnation;
    }
    Record r = records.get(node);
    return r != null && nodeIncarnation >= r.incarnation && nowMillis - r.renewedAt <= expiryMillis;
  }

  /** True when {@code node} is tracked and {@link #expire} found its lease run out (no heartbeat since). */
  public boolean isExpired(NodeName node) {
    Record r = records.get(node);
    return r != null && r.expired;
  }

  /** The newest known life of {@code node}, if it is tracked. */
  public OptionalLong incarnationOf(NodeName node) {
    if (node.equals(self)) {
      return OptionalLong.of(incarnation);
    }
    Record r = records.get(node);
    return r == null ? OptionalLong.empty() : OptionalLong.of(r.incarnation);
  }

  /**
   * When the lease of {@code node} runs out (its last renewal plus the expiry), if it is tracked;
   * live at {@code now} means {@code now <= deadline}.
   */
  public OptionalLong deadline(NodeName node) {
    Record r = records.get(node);
    return r == null ? OptionalLong.empty() : OptionalLong.of(r.renewedAt + expiryMillis);
  }

  /**
   * Nodes whose lease ran out since the last call, each reported once (until a heartbeat revives
   * it). Nodes expired for longer than {@code forget-after} are dropped from memory; {@link #forgotten}
   * hands them out.
   */
  public List<NodeName> expire(long nowMillis) {
    List<NodeName> newlyExpired = new ArrayList<>();
    records.entrySet().removeIf(e -> {
      Record r = e.getValue();
      long silent = nowMillis - r.renewedAt;
      if (!r.expired && silent > expiryMillis) {
        r.expired = true;
        newlyExpired.add(e.getKey());
      }
      boolean forget = r.expired && silent > forgetMillis;
      if (forget) {
        forgotten.add(e.getKey());
      }
      return forget;
    });
    newlyExpired.sort(null);
    return newlyExpired;
  }

  /** Nodes dropped from memory by {@link #expire} since the last call, sorted. */
  public List<NodeName> forgotten() {
    List<NodeName> out = new ArrayList<>(forgotten);
    forgotten.clear();
    out.sort(null);
    return out;
  }

  /** The tracked nodes whose lease runs at {@code nowMillis}. */
  public List<NodeName> liveNodes(long nowMillis) {
    List<NodeName> out = new ArrayList<>();
    records.forEach((node, r) -> {
      if (!r.expired && nowMillis - r.renewedAt <= expiryMillis) {
        out.add(node);
      }
    });
    return out;
  }

  /** Nodes tracked now (live or expired but remembered). */
  public int trackedNodes() {
    return records.size();
  }
}
