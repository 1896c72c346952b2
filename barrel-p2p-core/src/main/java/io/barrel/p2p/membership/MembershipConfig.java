package io.barrel.p2p.membership;

import java.time.Duration;

/**
 * Settings of HyParView, bound from {@code barrel.p2p.membership.*}. The defaults are the reference
 * system's (and the paper's) values; the constructor refuses any value that cannot work, naming the
 * property to change.
 *
 * @param activeSize most peers a node keeps links to ({@code active-size}, 5)
 * @param passiveSize most peers a node remembers as replacements ({@code passive-size}, 30)
 * @param activeRandomWalkLength hops of a FORWARD_JOIN walk, ARWL ({@code active-random-walk-length}, 6)
 * @param passiveRandomWalkLength the hop count at which a walk leaves the new node in a passive view,
 *     PRWL ({@code passive-random-walk-length}, 3)
 * @param shuffleActive active peers in a shuffle sample ({@code shuffle-active}, 3)
 * @param shufflePassive passive peers in a shuffle sample ({@code shuffle-passive}, 4); with the node
 *     itself a sample is 1 + 3 + 4 = 8 names
 * @param shuffleTtl hops of a shuffle walk ({@code shuffle-ttl}, 3, the reference uses PRWL)
 * @param shufflePeriod time between shuffles in a calm cluster ({@code shuffle-period}, 10 s)
 * @param adaptiveShuffle shuffle faster while joins and leaves are frequent ({@code adaptive-shuffle},
 *     true): more than 10 in a churn window gives a fifth of the period, more than 5 half of it
 * @param churnWindow the window over which joins and leaves are counted ({@code churn-window}, 30 s)
 * @param pendingTimeout backstop of a link attempt, connection and answer together; must exceed the
 *     transport's connect and handshake time ({@code pending-timeout}, 30 s)
 * @param passiveMaxAge a passive entry with no news for this long is dropped ({@code passive-max-age}, 5 min)
 * @param passiveCleanupPeriod how often aged and failed passive entries are dropped
 *     ({@code passive-cleanup-period}, 60 s)
 * @param maxFailCount failed attempts after which a passive peer is forgotten ({@code max-fail-count}, 5)
 * @param baseBackoff after the n-th failure a peer is not retried for base × 2^n ({@code base-backoff}, 1 s)
 * @param maxBackoff cap of that backoff ({@code max-backoff}, 5 min)
 * @param contactRetry period of the repair timer that retries contacts while the active view is
 *     empty, fills free slots and retries lost links ({@code contact-retry}, 5 s)
 * @param lostPeerRetention how long a neighbour whose connection failed is retried, with backoff, so
 *     links cut by a network partition come back when it heals ({@code lost-peer-retention}, 30 min)
 * @param activeFloor the fewest neighbours a node settles for ({@code active-floor}, 0: half of
 *     {@code active-size}, rounded up, so 3 of 5): below it, the node fills its view with HIGH priority
 *     requests, which a full peer accepts by evicting one of its own neighbours, one request at a
 *     time. 1 is the paper's rule (HIGH only with no neighbour at all), under which a node evicted
 *     several times while every other node is full stays with one or two links for good. It must be
 *     below {@code active-size}: a peer that evicts for such a request then stays at or above it, so
 *     evictions do not chain on
 */
public record MembershipConfig(
    int activeSize,
    int passiveSize,
    int activeRandomWalkLength,
    int passiveRandomWalkLength,
    int shuffleActive,
    int shufflePassive,
    int shuffleTtl,
    Duration shufflePeriod,
    boolean adaptiveShuffle,
    Duration churnWindow,
    Duration pendingTimeout,
    Duration passiveMaxAge,
    Duration passiveCleanupPeriod,
    int maxFailCount,
    Duration baseBackoff,
    Duration maxBackoff,
    Duration contactRetry,
    Duration lostPeerRetention,
    int activeFloor) {

  private static final String PREFIX = "barrel.p2p.membership.";
  /** Largest active view accepted; the paper's analysis and the connection budget stop well below. */
  public static final int MAX_ACTIVE_SIZE = 64;
  /** Largest passive view accepted. */
  public static final int MAX_PASSIVE_SIZE = 4096;

  /** Validates every setting. */
  public MembershipConfig {
    range("active-size", activeSize, 1, MAX_ACTIVE_SIZE);
    range("passive-size", passiveSize, 1, MAX_PASSIVE_SIZE);
    range("active-random-walk-length", activeRandomWalkLength, 0, MembershipMessage.MAX_TTL);
    range("passive-random-walk-length", passiveRandomWalkLength, 0, activeRandomWalkLength);
    range("shuffle-active", shuffleActive, 0, MembershipMessage.MAX_IDS);
    range("shuffle-passive", shufflePassive, 0, MembershipMessage.MAX_IDS);
    if (1 + shuffleActive + shufflePassive > MembershipMessage.MAX_IDS) {
      throw new IllegalArgumentException(PREFIX + "shuffle-active + " + PREFIX + "shuffle-passive + 1 (the node"
          + " itself) must be at most " + MembershipMessage.MAX_IDS + ", got " + (1 + shuffleActive + shufflePassive));
    }
    range("shuffle-ttl", shuffleTtl, 0, MembershipMessage.MAX_TTL);
    positive("shuffle-period", shufflePeriod);
    positive("churn-window", churnWindow);
    positive("pending-timeout", pendingTimeout);
    positive("passive-max-age", passiveMaxAge);
    positive("passive-cleanup-period", passiveCleanupPeriod);
    range("max-fail-count", maxFailCount, 1, 62);
    positive("base-backoff", baseBackoff);
    positive("max-backoff", maxBackoff);
    if (maxBackoff.compareTo(baseBackoff) < 0) {
      throw new IllegalArgumentException(PREFIX + "max-backoff (" + maxBackoff + ") must not be shorter than "
          + PREFIX + "base-backoff (" + baseBackoff + ")");
    }
    positive("contact-retry", contactRetry);
    positive("lost-peer-retention", lostPeerRetention);
    if (activeFloor < 0 || activeFloor > Math.max(1, activeSize - 1)) {
      throw new IllegalArgumentException(PREFIX + "active-floor must be 0 (half of active-size) or 1.."
          + Math.max(1, activeSize - 1) + ", less than " + PREFIX + "active-size (" + activeSize + ") so that a"
          + " peer evicting for a HIGH request stays at the floor; got " + activeFloor);
    }
  }

  /** The reference system's defaults: 5/30 views, ARWL 6, PRWL 3, 8-name shuffles every 10 s. */
  public static MembershipConfig defaults() {
    return new MembershipConfig(5, 30, 6, 3, 3, 4, 3, Duration.ofSeconds(10), true, Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(60), 5, Duration.ofSeconds(1),
        Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(30), 0);
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The active-view size below which a node asks for links with HIGH priority: {@code active-floor},
   * or half of {@code active-size} rounded up when it is 0 (never 0 itself: an empty view always asks
   * with HIGH priority).
   */
  public int effectiveActiveFloor() {
    return activeFloor > 0 ? activeFloor : (activeSize + 1) / 2;
  }

  /** Names in one shuffle sample: the node itself, its active and its passive share. */
  public int shuffleLength() {
    return 1 + shuffleActive + shufflePassive;
  }

  private static void range(String property, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(PREFIX + property + " must be " + min + ".." + max + ", got " + value);
    }
  }

  private static void positive(String property, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(PREFIX + property + " must be a positive duration, got " + value);
    }
  }

  /** Changes a few settings of a configuration; {@link #build()} validates the result. */
  public static final class Builder {
    private int activeSize;
    private int passiveSize;
    private int activeRandomWalkLength;
    private int passiveRandomWalkLength;
    private int shuffleActive;
    private int shufflePassive;
    private int shuffleTtl;
    private Duration shufflePeriod;
    private boolean adaptiveShuffle;
    private Duration churnWindow;
    private Duration pendingTimeout;
    private Duration passiveMaxAge;
    private Duration passiveCleanupPeriod;
    private int maxFailCount;
    private Duration baseBackoff;
    private Duration maxBackoff;
    private Duration contactRetry;
    private Duration lostPeerRetention;
    private int activeFloor;

    private Builder(MembershipConfig c) {
      activeSize = c.activeSize;
      passiveSize = c.passiveSize;
      activeRandomWalkLength = c.activeRandomWalkLength;
      passiveRandomWalkLength = c.passiveRandomWalkLength;
      shuffleActive = c.shuffleActive;
      shufflePassive = c.shufflePassive;
      shuffleTtl = c.shuffleTtl;
      shufflePeriod = c.shufflePeriod;
      adaptiveShuffle = c.adaptiveShuffle;
      churnWindow = c.churnWindow;
      pendingTimeout = c.pendingTimeout;
      passiveMaxAge = c.passiveMaxAge;
      passiveCleanupPeriod = c.passiveCleanupPeriod;
      maxFailCount = c.maxFailCount;
      baseBackoff = c.baseBackoff;
      maxBackoff = c.maxBackoff;
      contactRetry = c.contactRetry;
      lostPeerRetention = c.lostPeerRetention;
      activeFloor = c.activeFloor;
    }

    /** Sets {@code active-size}. */
    public Builder activeSize(int value) {
      activeSize = value;
      return this;
    }

    /** Sets {@code passive-size}. */
    public Builder passiveSize(int value) {
      passiveSize = value;
      return this;
    }

    /** Sets {@code active-random-walk-length}. */
    public Builder activeRandomWalkLength(int value) {
      activeRandomWalkLength = value;
      return this;
    }

    /** Sets {@code passive-random-walk-length}. */
    public Builder passiveRandomWalkLength(int value) {
      passiveRandomWalkLength = value;
      return this;
    }

    /** Sets {@code shuffle-active}. */
    public Builder shuffleActive(int value) {
      shuffleActive = value;
      return this;
    }

    /** Sets {@code shuffle-passive}. */
    public Builder shufflePassive(int value) {
      shufflePassive = value;
      return this;
    }

    /** Sets {@code shuffle-ttl}. */
    public Builder shuffleTtl(int value) {
      shuffleTtl = value;
      return this;
    }

    /** Sets {@code shuffle-period}. */
    public Builder shufflePeriod(Duration value) {
      shufflePeriod = value;
      return this;
    }

    /** Sets {@code adaptive-shuffle}. */
    public Builder adaptiveShuffle(boolean value) {
      adaptiveShuffle = value;
      return this;
    }

    /** Sets {@code churn-window}. */
    public Builder churnWindow(Duration value) {
      churnWindow = value;
      return this;
    }

    /** Sets {@code pending-timeout}. */
    public Builder pendingTimeout(Duration value) {
      pendingTimeout = value;
      return this;
    }

    /** Sets {@code passive-max-age}. */
    public Builder passiveMaxAge(Duration value) {
      passiveMaxAge = value;
      return this;
    }

    /** Sets {@code passive-cleanup-period}. */
    public Builder passiveCleanupPeriod(Duration value) {
      passiveCleanupPeriod = value;
      return this;
    }

    /** Sets {@code max-fail-count}. */
    public Builder maxFailCount(int value) {
      maxFailCount = value;
      return this;
    }

    /** Sets {@code base-backoff}. */
    public Builder baseBackoff(Duration value) {
      baseBackoff = value;
      return this;
    }

    /** Sets {@code max-backoff}. */
    public Builder maxBackoff(Duration value) {
      maxBackoff = value;
      return this;
    }

    /** Sets {@code contact-retry}. */
    public Builder contactRetry(Duration value) {
      contactRetry = value;
      return this;
    }

    /** Sets {@code lost-peer-retention}. */
    public Builder lostPeerRetention(Duration value) {
      lostPeerRetention = value;
      return this;
    }

    /** Sets {@code active-floor} (0: half of {@code active-size}, rounded up). */
    public Builder activeFloor(int value) {
      activeFloor = value;
      return this;
    }

    /** The configuration, validated. */
    public MembershipConfig build() {
      return new MembershipConfig(activeSize, passiveSize, activeRandomWalkLength, passiveRandomWalkLength,
          shuffleActive, shufflePassive, shuffleTtl, shufflePeriod, adaptiveShuffle, churnWindow, pendingTimeout,
          passiveMaxAge, passiveCleanupPeriod, maxFailCount, baseBackoff, maxBackoff, contactRetry,
          lostPeerRetention, activeFloor);
    }
  }
}
