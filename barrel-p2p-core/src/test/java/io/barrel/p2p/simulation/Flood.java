package io.barrel.p2p.simulation;

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
  private final boolean[] alive;
  private final int[] stamp;
  private final int[] hop;
  private final int[] parent;
  private final int[] queue;
  private final int receivers;
  private int generation;

  Flood(Simulator sim) {
    this.sim = sim;
    this.views = sim.mirror();
    int n = sim.size();
    this.alive = new boolean[n];
    for (int i = 0; i < n; i++) {
      alive[i] = sim.node(i).alive;
    }
    this.stamp = new int[n];
    this.hop = new int[n];
    this.parent = new int[n];
    this.queue = new int[n];
    this.receivers = sim.liveMembers().length - 1;
  }

  Result from(int origin, boolean detect) {
    generation++;
    int head = 0;
    int tail = 0;
    queue[tail++] = origin;
    stamp[origin] = generation;
    hop[origin] = 0;
    parent[origin] = -1;
    long received = 0;
    int lastHop = 0;
    while (head < tail) {
      int u = queue[head++];
      for (int i = 0, degree = views.degree(u); i < degree; i++) {
        int v = views.neighbour(u, i);
        if (v == parent[u]) {
          continue;
        }
        if (!alive[v]) {
          if (detect) {
            sim.detectOnUse(u, v);
          }
          continue;
        }
        received++;
        if (stamp[v] != generation) {
          stamp[v] = generation;
          hop[v] = hop[u] + 1;
          parent[v] = u;
          lastHop = hop[v];
          queue[tail++] = v;
        }
      }
    }
    return new Result(tail - 1, receivers, lastHop, received);
  }
}
