package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code consistent-hash:<argument index>} balancer: a hash ring with virtual nodes, keyed by one
 * argument of the call, so that calls with equal keys go to the same instance from every node and
 * only about 1/N of the keys move when one of N instances comes or goes.
 *
 * <p>Each candidate puts {@code 160 × weight / 100} points on a 64-bit ring (at least 1, at most
 * {@value #MAX_POINTS}, so weights above 1,000 count as 1,000); a call goes to the owner of the first
 * point at or after the key's hash, wrapping around. A point's position is the XXH64 of the
 * instance's node name, its rank among that node's candidates (by instance id) and the point's index:
 * nothing that differs between JVMs, and not the instance id itself, so a node that restarts with a
 * new incarnation (and new instance ids) gets its keys back. Keys are hashed by {@link ArgumentKey}.
 *
 * <p>Rings are built once per candidate set and cached (the last {@value #CACHED_RINGS} sets), since
 * the same set comes back call after call; retries with an instance excluded use a second entry.
 */
final class ConsistentHash implements LoadBalancer {

  /** Highest argument index: a Java method has at most 255 parameters (254 for an interface method's). */
  static final int MAX_ARGUMENT_INDEX = 254;
  /** Ring points for an instance of weight 100: keeps each instance's share within about ±10 % of fair. */
  static final int POINTS_PER_100 = 160;
  /** Most ring points per instance. */
  static final int MAX_POINTS = 1600;
  /** Rings kept for recent candidate sets. */
  static final int CACHED_RINGS = 4;

  private static final long POINT_SEED = 0x6261_7272_656C_7032L;

  private final int argumentIndex;
  private final AtomicReference<Ring[]> recent = new AtomicReference<>(new Ring[0]);

  ConsistentHash(int argumentIndex) {
    if (argumentIndex < 0 || argumentIndex > MAX_ARGUMENT_INDEX) {
      throw new IllegalArgumentException("consistent-hash argument index must be 0.." + MAX_ARGUMENT_INDEX + ", got "
          + argumentIndex);
    }
    this.argumentIndex = argumentIndex;
  }

  int argumentIndex() {
    return argumentIndex;
  }

  @Override
  public Optional<ServiceInstance> choose(List<ServiceInstance> candidates, CallContext call) {
    long key = ArgumentKey.hash(argument(call), argumentIndex, call.method());
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    if (candidates.size() == 1) {
      return Optional.of(candidates.get(0));
    }
    return Optional.of(candidates.get(ring(candidates).owner(key)));
  }

  private Object argument(CallContext call) {
    Method method = call.method();
    int parameters = Math.min(method.getParameterCount(), call.arguments().length);
    if (argumentIndex >= parameters) {
      throw new IllegalArgumentException("the " + this + " load balancer of service '" + call.service()
          + "' hashes argument " + argumentIndex + " (counted from 0), but " + ArgumentKey.describe(method) + " has "
          + parameters + " argument(s); configure an index below " + parameters
          + " or another load balancer for this method");
    }
    return call.arguments()[argumentIndex];
  }

  /** The ring for these candidates, from the cache or built now. */
  Ring ring(List<ServiceInstance> candidates) {
    Ring[] cached = recent.get();
    for (Ring r : cached) {
      if (r.isFor(candidates)) {
        return r;
      }
    }
    Ring built = Ring.build(candidates);
    Ring[] updated = new Ring[Math.min(CACHED_RINGS, cached.length + 1)];
    updated[0] = built;
    System.arraycopy(cached, 0, updated, 1, updated.length - 1);
    // A lost race only means the other thread's ring is cached instead; both are correct.
    recent.compareAndSet(cached, updated);
    return built;
  }

  static int points(int weight) {
    long points = ((long) weight * POINTS_PER_100 + 99) / 100;
    return (int) Math.max(1, Math.min(MAX_POINTS, points));
  }

  @Override
  public String toString() {
    return "consistent-hash:" + argumentIndex;
  }

  /** A sorted ring of points, each owned by a candidate (its index in the list the ring was built for). */
  static final class Ring {

    private final InstanceKey[] members;
    private final int[] weights;
    private final long[] points;
    private final int[] owners;

    private Ring(InstanceKey[] members, int[] weights, long[] points, int[] owners) {
      this.members = members;
      this.weights = weights;
      this.points = points;
      this.owners = owners;
    }

    static Ring build(List<ServiceInstance> candidates) {
      int n = candidates.size();
      InstanceKey[] members = new InstanceKey[n];
      int[] weights = new int[n];
      int total = 0;
      for (int i = 0; i < n; i++) {
        members[i] = InstanceKey.of(candidates.get(i));
        weights[i] = Weights.weight(candidates.get(i));
        total += points(weights[i]);
      }
      int[] ranks = ranksWithinNode(members);
      long[] raw = new long[total];
      int[] rawOwner = new int[total];
      int k = 0;
      for (int i = 0; i < n; i++) {
        byte[] label = pointLabel(members[i], ranks[i]);
        int count = points(weights[i]);
        for (int p = 0; p < count; p++) {
          setIndex(label, p);
          raw[k] = Xxh64.hash(label, POINT_SEED);
          rawOwner[k] = i;
          k++;
        }
      }
      // Sort by position, ties (astronomically rare) by owner index, so every JVM builds the same ring.
      Integer[] order = new Integer[total];
      for (int i = 0; i < total; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> raw[a] != raw[b] ? Long.compare(raw[a], raw[b])
          : Integer.compare(rawOwner[a], rawOwner[b]));
      long[] points = new long[total];
      int[] owners = new int[total];
      for (int i = 0; i < total; i++) {
        points[i] = raw[order[i]];
        owners[i] = rawOwner[order[i]];
      }
      return new Ring(members, weights, points, owners);
    }

    /** Each member's rank among the members on its node, ordered by instance id then incarnation. */
    private static int[] ranksWithinNode(InstanceKey[] members) {
      int n = members.length;
      int[] ranks = new int[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (j != i && members[j].node().equals(members[i].node()) && before(members[j], members[i])) {
            ranks[i]++;
          }
        }
      }
      return ranks;
    }

    private static boolean before(InstanceKey a, InstanceKey b) {
      int c = a.instanceId().compareTo(b.instanceId());
      return c < 0 || (c == 0 && a.incarnation() < b.incarnation());
    }

    /** node bytes ‖ 0 ‖ rank u32 ‖ point index u32 (the last four bytes are rewritten per point). */
    private static byte[] pointLabel(InstanceKey member, int rank) {
      byte[] node = member.node().toBytes();
      byte[] label = new byte[node.length + 9];
      System.arraycopy(node, 0, label, 0, node.length);
      int at = node.length + 1;
      label[at] = (byte) (rank >>> 24);
      label[at + 1] = (byte) (rank >>> 16);
      label[at + 2] = (byte) (rank >>> 8);
      label[at + 3] = (byte) rank;
      return label;
    }

    private static void setIndex(byte[] label, int index) {
      int at = label.length - 4;
      label[at] = (byte) (index >>> 24);
      label[at + 1] = (byte) (index >>> 16);
      label[at + 2] = (byte) (index >>> 8);
      label[at + 3] = (byte) index;
    }

    boolean isFor(List<ServiceInstance> candidates) {
      if (candidates.size() != members.length) {
        return false;
      }
      for (int i = 0; i < members.length; i++) {
        ServiceInstance c = candidates.get(i);
        InstanceKey m = members[i];
        if (Weights.weight(c) != weights[i] || c.incarnation() != m.incarnation() || !c.node().equals(m.node())
            || !c.instanceId().equals(m.instanceId()) || !c.service().equals(m.service())) {
          return false;
        }
      }
      return true;
    }

    /** The index of the candidate owning {@code hash}: the first point at or after it, wrapping. */
    int owner(long hash) {
      int at = Arrays.binarySearch(points, hash);
      if (at < 0) {
        at = -at - 1;
        if (at == points.length) {
          at = 0;
        }
      } else {
        // binarySearch finds any one of equal points; take the first so the result is deterministic.
        while (at > 0 && points[at - 1] == hash) {
          at--;
        }
      }
      return owners[at];
    }

    int size() {
      return points.length;
    }
  }
}
