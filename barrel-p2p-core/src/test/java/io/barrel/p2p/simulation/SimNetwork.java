package io.barrel.p2p.simulation;

import java.util.SplittableRandom;

/**
 * The simulated network between nodes: a fixed latency per link, optional loss of broadcast
 * messages, partitions, and the rule for how a crash is noticed.
 *
 * <p>Latency is a pure function of the seed and the pair (no table for 10,000² links), the same in
 * both directions and constant over the run. Constant latency per link is what keeps every link
 * first-in first-out, as a QUIC stream is, without bookkeeping: two messages on one link leave in
 * order and take equally long.
 *
 * <p>Membership messages are never lost: they travel on a reliable ordered stream, which HyParView
 * relies on. Loss applies to Plumtree messages only, whose driver may drop a send (Plumtree repairs
 * through IHAVE and GRAFT).
 */
final class SimNetwork {

  /** How the peers of a crashed node find out. */
  enum CrashDetection {
    /**
     * Only by using the connection: a send to the crashed node, or a message that reaches it after
     * the crash, fails and the sender is told (TCP's error on write).
     */
    ON_USE,
    /**
     * Also, one link latency after the crash, every node holding a link or a link attempt to the
     * crashed node is told its connection closed (the RST or QUIC stateless reset a dead process's
     * host answers with), besides the on-use detection.
     */
    ON_CRASH
  }

  private final long seed;
  private final int minLatencyMillis;
  private final int latencySpanMillis;
  private final SplittableRandom lossRandom;
  private double broadcastLoss;
  private CrashDetection crashDetection = CrashDetection.ON_CRASH;
  private int[] side;
  /**
   * Connection generations of the pairs that ever hung up, in an open-addressing table of pair keys
   * (every send and arrival reads it, so no boxing and no chains); the empty key is 0, which no
   * {@link #pairKey} is.
   */
  private long[] epochKeys = new long[64];
  private int[] epochValues = new int[64];
  private int epochCount;

  /**
   * @param seed mixes into every link latency
   * @param minLatencyMillis the fastest link's one-way latency
   * @param maxLatencyMillis the slowest link's one-way latency
   */
  SimNetwork(long seed, int minLatencyMillis, int maxLatencyMillis) {
    if (minLatencyMillis < 1 || maxLatencyMillis < minLatencyMillis) {
      throw new IllegalArgumentException("latency must be 1 <= min <= max, got " + minLatencyMillis + ".."
          + maxLatencyMillis);
    }
    this.seed = seed;
    this.minLatencyMillis = minLatencyMillis;
    this.latencySpanMillis = maxLatencyMillis - minLatencyMillis + 1;
    this.lossRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
  }

  /** One-way latency of the link between two nodes, in milliseconds. */
  int latency(int a, int b) {
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    long h = mix(seed ^ mix(lo * 0x9E3779B97F4A7C15L + hi));
    return minLatencyMillis + (int) Long.remainderUnsigned(h, latencySpanMillis);
  }

  /** Drops each Plumtree message independently with this probability from now on. */
  void broadcastLoss(double probability) {
    if (probability < 0 || probability >= 1) {
      throw new IllegalArgumentException("loss must be in [0, 1), got " + probability);
    }
    this.broadcastLoss = probability;
  }

  /** True when the next Plumtree message is to be lost. */
  boolean losesBroadcast() {
    return broadcastLoss > 0 && lossRandom.nextDouble() < broadcastLoss;
  }

  CrashDetection crashDetection() {
    return crashDetection;
  }

  void crashDetection(CrashDetection detection) {
    this.crashDetection = detection;
  }

  /** Puts each node on a side; nodes on different sides cannot reach each other. Null heals. */
  void sides(int[] sides) {
    this.side = sides;
  }

  /** True when a message can go from {@code a} to {@code b} as far as partitions are concerned. */
  boolean sameSide(int a, int b) {
    return side == null || side[a] == side[b];
  }

  /** The generation of the connection between two nodes; it changes when either end hangs up. */
  int epoch(int a, int b) {
    if (epochCount == 0) {
      return 0;
    }
    long key = pairKey(a, b);
    int mask = epochKeys.length - 1;
    for (int i = slot(key, mask); epochKeys[i] != 0; i = (i + 1) & mask) {
      if (epochKeys[i] == key) {
        return epochValues[i];
      }
    }
    return 0;
  }

  /** Starts a new generation: whatever is still in flight on the old connection is lost. */
  void hangUp(int a, int b) {
    if (2 * (epochCount + 1) > epochKeys.length) {
      long[] keys = epochKeys;
      int[] values = epochValues;
      epochKeys = new long[keys.length * 2];
      epochValues = new int[keys.length * 2];
      epochCount = 0;
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] != 0) {
          epochValues[entry(keys[i])] = values[i];
        }
      }
    }
    epochValues[entry(pairKey(a, b))]++;
  }

  /** The index of {@code key} in the table, claiming an empty one for it if it is absent. */
  private int entry(long key) {
    int mask = epochKeys.length - 1;
    int i = slot(key, mask);
    while (epochKeys[i] != 0 && epochKeys[i] != key) {
      i = (i + 1) & mask;
    }
    if (epochKeys[i] == 0) {
      epochKeys[i] = key;
      epochCount++;
    }
    return i;
  }

  private static int slot(long key, int mask) {
    return (int) mix(key) & mask;
  }

  /** Both node indices of a pair, the larger one plus one in the low half so that no key is 0. */
  private static long pairKey(int a, int b) {
    return ((long) Math.min(a, b) << 32) | (Math.max(a, b) + 1L);
  }

  /** SplitMix64's finaliser: a cheap, well-spread hash of a long. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
