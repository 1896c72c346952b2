package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * What an operator sees of one authenticated connection.
 *
 * @param peer the authenticated peer
 * @param outbound true when this node dialed
 * @param remoteAddress the peer's UDP address as QUIC currently sees it
 * @param establishedAt when the connection started carrying traffic
 * @param idleFor time since the last frame either way (keep-alives excluded)
 * @param openStreams data and application streams open now
 */
public record ConnectionInfo(
    NodeName peer, boolean outbound, InetSocketAddress remoteAddress, Instant establishedAt,
    Duration idleFor, int openStreams) {}
