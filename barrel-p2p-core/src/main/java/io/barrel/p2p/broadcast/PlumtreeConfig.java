package io.barrel.p2p.broadcast;

import java.time.Duration;

/**
 * Settings of Plumtree broadcast, bound from {@code barrel.p2p.broadcast.*}. The reference system
 * exposes no tunables; its hard-wired values are kept where it has them (1 s GRAFT timer, 5 min
 * dedup memory), and everything it left unbounded is bounded here.
 *
 * <p>The constructor validates every field, so any config that exists is usable; messages name the
 * property and the allowed range.
 *
 * @param ihaveFlushInterval {@code ihave-flush-interval}: how long announcements for lazy peers wait
 *     to be batched into one IHAVE per peer; zero sends them at the end of the input that queued them
 * @param maxIHaveBatch {@code max-ihave-batch}: announcements per IHAVE; a full batch goes out at once
 * @param graftTimeout {@code graft-timeout}: how long an announced broadcast may stay missing before
 *     the first GRAFT
 * @param graftRetryTimeout {@code graft-retry-timeout}: how long a GRAFT may go unanswered before the
 *     next announcer is grafted
 * @param maxGraftAttempts {@code max-graft-attempts}: GRAFTs sent for one missing broadcast before
 *     giving up; announcers are tried in turn, round robin
 * @param maxAnnouncers {@code max-announcers}: announcers remembered per missing broadcast
 * @param maxMissingMessages {@code max-missing-messages}: missing broadcasts tracked at once; past
 *     it the oldest is forgotten, so a flood of bogus IHAVEs cannot grow memory
 * @param seenMaxCount {@code seen-max-count}: ids remembered for de-duplication
 * @param seenMaxAge {@code seen-max-age}: how long an id is remembered
 * @param payloadCacheMaxCount {@code payload-cache-max-count}: payloads kept to answer GRAFTs
 * @param payloadCacheMaxAge {@code payload-cache-max-age}: how long a payload is kept
 * @param payloadCacheMaxBytes {@code payload-cache-max-bytes}: total payload bytes kept
 * @param treeOptimisation {@code tree-optimisation}: swap an eager link for a lazy one that
 *     announced the same broadcast with a much smaller hop count (the paper's optional step)
 * @param optimisationThreshold {@code optimisation-threshold}: how many hops shorter the lazy path
 *     must be for the swap
 * @param maxPayloadBytes {@code max-payload-bytes}: largest payload broadcast or accepted
 * @param maxRoots {@code max-roots}: broadcast origins whose spanning tree a node keeps (each origin
 *     has a tree of its own); past it the least recently used origin is forgotten and its next
 *     broadcast floods once to rebuild it. Keep it above the number of nodes that broadcast
 * @param rootMaxAge {@code root-max-age}: how long the tree of an origin that stopped broadcasting
 *     is kept; a forgotten tree is rebuilt the same way
 */
public record PlumtreeConfig(
    Duration ihaveFlushInterval,
    int maxIHaveBatch,
    Duration graftTimeout,
    Duration graftRetryTimeout,
    int maxGraftAttempts,
    int maxAnnouncers,
    int maxMissingMessages,
    int seenMaxCount,
    Duration seenMaxAge,
    int payloadCacheMaxCount,
    Duration payloadCacheMaxAge,
    long payloadCacheMaxBytes,
    boolean treeOptimisation,
    int optimisationThreshold,
    int maxPayloadBytes,
    int maxRoots,
    Duration rootMaxAge) {

  private static final String PREFIX = "barrel.p2p.broadcast.";
  /**
   * Cap on {@code max-ihave-batch}: 4096 announcements are 76 KiB on the wire plus their roots'
   * names (each announcement names its origin: about 200 KiB with 30-character names, 1.1 MiB at
   * the 255-character maximum, past the transport's default 1 MiB control frame).
   */
  public static final int MAX_IHAVE_BATCH_LIMIT = 4096;
  /** Cap on {@code max-payload-bytes}, well inside the transport's largest control frame. */
  public static final int MAX_PAYLOAD_LIMIT = 16 * 1024 * 1024;
  /** Cap on {@code max-roots}: a tree costs about 200 bytes with its root's name, so a million are some 200 MB. */
  public static final int MAX_ROOTS_LIMIT = 1_000_000;

  /** Validates every field. */
  public PlumtreeConfig {
    nonNegative(ihaveFlushInterval, "ihave-flush-interval");
    require(ihaveFlushInterval.compareTo(Duration.ofSeconds(10)) <= 0,
        "ihave-flush-interval must be at most 10 s (it delays every repair), got " + ihaveFlushInterval);
    require(maxIHaveBatch >= 1 && maxIHaveBatch <= MAX_IHAVE_BATCH_LIMIT,
        "max-ihave-batch must be 1.." + MAX_IHAVE_BATCH_LIMIT + ", got " + maxIHaveBatch);
    positive(graftTimeout, "graft-timeout");
    positive(graftRetryTimeout, "graft-retry-timeout");
    require(maxGraftAttempts >= 1 && maxGraftAttempts <= 64,
        "max-graft-attempts must be 1..64, got " + maxGraftAttempts);
    require(maxAnnouncers >= 1 && maxAnnouncers <= 64, "max-announcers must be 1..64, got " + maxAnnouncers);
    require(maxMissingMessages >= 1, "max-missing-messages must be at least 1, got " + maxMissingMessages);
    require(seenMaxCount >= 1, "seen-max-count must be at least 1, got " + seenMaxCount);
    positive(seenMaxAge, "seen-max-age");
    require(payloadCacheMaxCount >= 1, "payload-cache-max-count must be at least 1, got " + payloadCacheMaxCount);
    positive(payloadCacheMaxAge, "payload-cache-max-age");
    require(maxPayloadBytes >= 1 && maxPayloadBytes <= MAX_PAYLOAD_LIMIT,
        "max-payload-bytes must be 1.." + MAX_PAYLOAD_LIMIT + " bytes, got " + maxPayloadBytes);
    require(payloadCacheMaxBytes >= maxPayloadBytes, "payload-cache-max-bytes (" + payloadCacheMaxBytes
        + ") must hold at least one payload of max-payload-bytes (" + maxPayloadBytes + ")");
    require(optimisationThreshold >= 1 && optimisationThreshold <= BroadcastMessage.MAX_HOPS,
        "optimisation-threshold must be 1.." + BroadcastMessage.MAX_HOPS + ", got " + optimisationThreshold);
    require(maxRoots >= 1 && maxRoots <= MAX_ROOTS_LIMIT,
        "max-roots must be 1.." + MAX_ROOTS_LIMIT + ", got " + maxRoots);
    positive(rootMaxAge, "root-max-age");
    Duration repair = repairWindow(ihaveFlushInterval, graftTimeout, graftRetryTimeout, maxGraftAttempts);
    // A broadcast still being repaired must not be forgotten (it would be delivered twice) nor its
    // payload dropped by the nodes that announced it (their GRAFTs would go unanswered).
    require(seenMaxAge.compareTo(repair) > 0, "seen-max-age (" + seenMaxAge + ") must be longer than the"
        + " repair window, ihave-flush-interval + graft-timeout + max-graft-attempts x graft-retry-timeout ("
        + repair + "), or a broadcast still being repaired could be delivered twice");
    require(payloadCacheMaxAge.compareTo(repair) >= 0, "payload-cache-max-age (" + payloadCacheMaxAge
        + ") must be at least the repair window, ihave-flush-interval + graft-timeout + max-graft-attempts x"
        + " graft-retry-timeout (" + repair + "), or GRAFTs for announced broadcasts go unanswered");
  }

  /**
   * The defaults: 50 ms IHAVE batching up to 256 ids, GRAFT after 1 s then every 500 ms for up to
   * 8 attempts across up to 8 announcers, 10,000 missing ids, 100,000 seen ids for 5 min, 10,000
   * payloads (64 MiB) for 1 min, optimisation off (threshold 3), payloads up to 256 KiB, trees of
   * up to 10,000 origins kept for 10 min after their last use.
   */
  public static PlumtreeConfig defaults() {
    return new PlumtreeConfig(Duration.ofMillis(50), 256, Duration.ofSeconds(1), Duration.ofMillis(500), 8, 8,
        10_000, 100_000, Duration.ofMinutes(5), 10_000, Duration.ofMinutes(1), 64L * 1024 * 1024, false, 3,
        256 * 1024, 10_000, Duration.ofMinutes(10));
  }

  /** The longest a missing broadcast can take to be repaired before this node gives up on it. */
  public Duration repairWindow() {
    return repairWindow(ihaveFlushInterval, graftTimeout, graftRetryTimeout, maxGraftAttempts);
  }

  /** A copy with other IHAVE batching. */
  public PlumtreeConfig withIHaveBatching(Duration flushInterval, int maxBatch) {
    return new PlumtreeConfig(flushInterval, maxBatch, graftTimeout, graftRetryTimeout, maxGraftAttempts,
        maxAnnouncers, maxMissingMessages, seenMaxCount, seenMaxAge, payloadCacheMaxCount, payloadCacheMaxAge,
        payloadCacheMaxBytes, treeOptimisation, optimisationThreshold, maxPayloadBytes, maxRoots, rootMaxAge);
  }

  /** A copy with other GRAFT timing and retry bounds. */
  public PlumtreeConfig withGrafting(Duration first, Duration retry, int attempts, int announcers) {
    return new PlumtreeConfig(ihaveFlushInterval, maxIHaveBatch, first, retry, attempts, announcers,
        maxMissingMessages, seenMaxCount, seenMaxAge, payloadCacheMaxCount, payloadCacheMaxAge,
        payloadCacheMaxBytes, treeOptimisation, optimisationThreshold, maxPayloadBytes, maxRoots, rootMaxAge);
  }

  /** A copy that tracks at most {@code max} missing broadcasts. */
  public PlumtreeConfig withMaxMissingMessages(int max) {
    return new PlumtreeConfig(ihaveFlushInterval, maxIHaveBatch, graftTimeout, graftRetryTimeout, maxGraftAttempts,
        maxAnnouncers, max, seenMaxCount, seenMaxAge, payloadCacheMaxCount, payloadCacheMaxAge,
        payloadCacheMaxBytes, treeOptimisation, optimisationThreshold, maxPayloadBytes, maxRoots, rootMaxAge);
  }

  /** A copy with other de-duplication bounds. */
  public PlumtreeConfig withSeenSet(int maxCount, Duration maxAge) {
    return new PlumtreeConfig(ihaveFlushInterval, maxIHaveBatch, graftTimeout, graftRetryTimeout, maxGraftAttempts,
        maxAnnouncers, maxMissingMessages, maxCount, maxAge, payloadCacheMaxCount, payloadCacheMaxAge,
        payloadCacheMaxBytes, treeOptimisation, optimisationThreshold, maxPayloadBytes, maxRoots, rootMaxAge);
  }

  /** A copy with other payload-cache bounds. */
  public PlumtreeConfig withPayloadCache(int maxCount, Duration maxAge, long maxBytes) {
    return new PlumtreeConfig(ihaveFlushInterval, maxIHaveBatch, graftTimeout, graftRetryTimeout, maxGraftAttempts,
        maxAnnouncers, maxMissingMessages, seenMaxCount, seenMaxAge, maxCount, maxAge, maxBytes, treeOptimisation,
        optimisationThreshold, maxPayloadBytes, maxRoots, rootMaxAge);
  }

  /** A copy with the tree optimisation switched on or off. */
  public PlumtreeConfig withTreeOptimisation(boolean enabled, int threshold) {
    return new PlumtreeConfig(ihaveFlushInterval, maxIHaveBatch, graftTimeout, graftRetryTimeout, maxGraftAttempts,
        maxAnnouncers, maxMissingMessages, seenMaxCount, seenMaxAge, payloadCacheMaxCount, payloadCacheMaxAge,
        payloadCacheMaxBytes, enabled, threshold, maxPayloadBytes, maxRoots, rootMaxAge);
  }

  /** A copy with another payload size limit. */
  public PlumtreeConfig withMaxPayloadBytes(int max) {
    return new PlumtreeConfig(ihaveFlushInterval, maxIHaveBatch, graftTimeout, graftRetryTimeout, maxGraftAttempts,
        maxAnnouncers, maxMissingMessages, seenMaxCount, seenMaxAge, payloadCacheMaxCount, payloadCacheMaxAge,
        payloadCacheMaxBytes, treeOptimisation, optimisationThreshold, max, maxRoots, rootMaxAge);
  }

  /** A copy that keeps the trees of at most {@code max} origins, each for {@code maxAge} after its last use. */
  public PlumtreeConfig withRootTrees(int max, Duration maxAge) {
    return new PlumtreeConfig(ihaveFlushInterval, maxIHaveBatch, graftTimeout, graftRetryTimeout, maxGraftAttempts,
        maxAnnouncers, maxMissingMessages, seenMaxCount, seenMaxAge, payloadCacheMaxCount, payloadCacheMaxAge,
        payloadCacheMaxBytes, treeOptimisation, optimisationThreshold, maxPayloadBytes, max, maxAge);
  }

  private static Duration repairWindow(Duration flush, Duration first, Duration retry, int attempts) {
    if (flush == null || first == null || retry == null) {
      return Duration.ZERO;
    }
    return flush.plus(first).plus(retry.multipliedBy(attempts));
  }

  private static void positive(Duration d, String name) {
    require(d != null && !d.isNegative() && !d.isZero(), name + " must be a positive duration, got " + d);
  }

  private static void nonNegative(Duration d, String name) {
    require(d != null && !d.isNegative(), name + " must not be negative, got " + d);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(PREFIX + message);
    }
  }
}
