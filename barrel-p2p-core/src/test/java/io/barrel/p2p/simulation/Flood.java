package io.barrel.p2p.simulation;

import java.util.Arrays;

/**
 * The broadcast of the HyParView paper: flooding over the active views. The origin sends to every
 * neighbour; a node that receives the message for the first time forwards it to every neighbour
 * but the one it came from. It runs hop by hop over the nodes' current views at one instant, and
 * with {@code detect} on, every send to a dead neighbour is reported to the sender's membership
 * (TCP's error on write), whose reaction then plays out in the simulator.
 *
 * <p>Scratch arrays are reused between floods, stamped with a generation number instead of
 * cleared, so a thousand floods over 10,000 nodes cost only the edges they cross. The views are
 * read from the simulator's {@link ActiveMirror} as they are when each flood runs; which nodes are
 * alive is read once, when the flood is made: make a new one after crashing nodes.
 */
final class Flood {

  /**
   * One flood's outcome.
   *
   * @param reached live nodes other than the origin that received it
   * @param receivers live members other than the origin when it was sent
   * @param lastHop hop count of the last first-time delivery
   * @param received copies that reached live nodes, duplicates included
   */
  record Result(int reached, int receivers, int lastHop, long received) {
    double reliability() {
      return receivers == 0 ? 1 : reached / (double) receivers;
    }

    /** Payload copies received per receiving node, minus one: 0 is a perfect tree. */
    double redundancy() {
      return reached == 0 ? 0 : received / (double) reached - 1;
    }
  }

  private final Simulator sim;
  private final ActiveMirror views;
  /**
   * Per node: {@link #DEAD}, or the generation of the last flood that reached it. Whether a node is
   * alive and whether this flood has reached it are one read, the only random access per edge.
   */
  private final int[] mark;
  /** The breadth-first queue: node, the node it came from, its hop count, in order of arrival. */
  private final int[] queue;
  private final int[] queueParent;
  private final int[] queueHop;
  private final int receivers;
  private int generation;
  /** Whether the last flood met a dead neighbour. */
  private boolean metDead;
  /**
   * The views' version at which a flood reached every live member, met no dead neighbour, and every
   * live member was found to reach its origin back: -1 when none. See {@link #reliability}.
   */
  private long coveredVersion = -1;

  private static final int DEAD = -1;

  Flood(Simulator sim) {
    this.sim = sim;
    this.views = sim.mirror();
    int n = sim.size();
    this.mark = new int[n];
    for (int i = 0; i < n; i++) {
      mark[i] = sim.node(i).alive ? 0 : DEAD;
    }
    this.queue = new int[n];
    this.queueParent = new int[n];
    this.queueHop = new int[n];
    this.receivers = sim.liveMembers().length - 1;
  }

  /**
   * The reliability of a flood from {@code origin}: {@code from(origin, detect).reliability()}, with
   * the same reports to the nodes, but without walking the views again while they stand exactly as
   * they were when a flood proved that none can miss anyone. That flood reached every live member
   * and met no dead neighbour, and a search over the reversed links found that every live member
   * reaches its origin: then, as long as no view changes, a flood from any live member reaches the
   * origin and from there everyone (reliability 1), and it crosses only links that flood crossed,
   * none to a dead node (no reports). After a mass failure the views settle within a few floods,
   * and most of the thousand that follow are then answered here.
   */
  double reliability(int origin, boolean detect) {
    long version = views.version();
    if (version == coveredVersion && mark[origin] != DEAD) {
      return 1;
    }
    Result result = from(origin, detect);
    if (!metDead && result.reached() == receivers && everyoneReaches(origin)) {
      coveredVersion = version;
    }
    return result.reliability();
  }

  /** True when every live member has a path of links to {@code target} (a search over reversed links). */
  private boolean everyoneReaches(int target) {
    int n = mark.length;
    int[] start = new int[n + 1];
    for (int u = 0; u < n; u++) {
      if (mark[u] == DEAD) {
        continue;
      }
      for (int i = 0, degree = views.degree(u); i < degree; i++) {
        start[views.neighbour(u, i) + 1]++;
      }
    }
    for (int v = 0; v < n; v++) {
      start[v + 1] += start[v];
    }
    int[] into = new int[start[n]];
    int[] fill = Arrays.copyOf(start, n);
    for (int u = 0; u < n; u++) {
      if (mark[u] == DEAD) {
        continue;
      }
      for (int i = 0, degree = views.degree(u); i < degree; i++) {
        into[fill[views.neighbour(u, i)]++] = u;
      }
    }
    boolean[] seen = new boolean[n];
    int head = 0;
    int tail = 0;
    queue[tail++] = target;
    seen[target] = true;
    while (head < tail) {
      int v = queue[head++];
      for (int k = start[v]; k < start[v + 1]; k++) {
        int u = into[k];
        if (!seen[u]) {
          seen[u] = true;
          queue[tail++] = u;
        }
      }
    }
    return tail - 1 == receivers;
  }

  Result from(int origin, boolean detect) {
    int generation = ++this.generation;
    metDead = false;
    int head = 0;
    int tail = 0;
    queue[tail] = origin;
    queueParent[tail] = -1;
    queueHop[tail++] = 0;
    if (mark[origin] != DEAD) {
      mark[origin] = generation;
    }
    long received = 0;
    int lastHop = 0;
    while (head < tail) {
      int u = queue[head];
      int parent = queueParent[head];
      int hop = queueHop[head++] + 1;
      for (int i = 0, degree = views.degree(u); i < degree; i++) {
        int v = views.neighbour(u, i);
        if (v == parent) {
          continue;
        }
        int m = mark[v];
        if (m == DEAD) {
          metDead = true;
          if (detect) {
            sim.detectOnUse(u, v);
          }
          continue;
        }
        received++;
        if (m != generation) {
          mark[v] = generation;
          lastHop = hop;
          queue[tail] = v;
          queueParent[tail] = u;
          queueHop[tail++] = hop;
        }
      }
    }
    return new Result(tail - 1, receivers, lastHop, received);
  }
}
