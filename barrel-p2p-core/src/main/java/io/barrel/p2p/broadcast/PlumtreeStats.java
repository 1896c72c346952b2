package io.barrel.p2p.broadcast;

/**
 * A snapshot of one node's Plumtree state, for gauges and tests. Message counters are the driver's
 * to keep, from the effects it carries out and the messages it decodes.
 *
 * @param eagerPeers neighbours sent every GOSSIP
 * @param lazyPeers neighbours sent only IHAVEs
 * @param seenMessages ids remembered for de-duplication
 * @param cachedPayloads broadcasts kept to answer GRAFTs
 * @param cachedPayloadBytes their total payload size
 * @param missingMessages announced broadcasts not yet received
 * @param queuedAnnouncements announcements waiting for the next IHAVE flush
 */
public record PlumtreeStats(
    int eagerPeers,
    int lazyPeers,
    int seenMessages,
    int cachedPayloads,
    long cachedPayloadBytes,
    int missingMessages,
    int queuedAnnouncements) {}
