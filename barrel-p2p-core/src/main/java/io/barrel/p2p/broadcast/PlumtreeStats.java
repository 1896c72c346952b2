package io.barrel.p2p.broadcast;

/**
 * A snapshot of one node's Plumtree state, for gauges and tests. Message counters are the driver's
 * to keep, from the effects it carries out and the messages it decodes.
 *
 * @param neighbours the active view Plumtree pushes over
 * @param trackedRoots roots (broadcast origins) whose tree has lazy links here; every other root
 *     has all neighbours eager
 * @param lazyLinks lazy links summed over the tracked roots; each root's other neighbours are eager
 * @param evictedRoots roots forgotten so far to stay within {@code max-roots} (a steady rise means
 *     more origins broadcast than the bound holds, and their trees keep being rebuilt)
 * @param seenMessages ids remembered for de-duplication
 * @param cachedPayloads broadcasts kept to answer GRAFTs
 * @param cachedPayloadBytes their total payload size
 * @param missingMessages announced broadcasts not yet received
 * @param queuedAnnouncements announcements waiting for the next IHAVE flush
 */
public record PlumtreeStats(
    int neighbours,
    int trackedRoots,
    int lazyLinks,
    long evictedRoots,
    int seenMessages,
    int cachedPayloads,
    long cachedPayloadBytes,
    int missingMessages,
    int queuedAnnouncements) {}
