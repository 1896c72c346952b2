package io.barrel.p2p.transport;

import java.time.Duration;

/**
 * QUIC and stream settings for one node. Defaults are chosen for a P2P node on a LAN or data-centre
 * network (see docs/concepts/transport-and-auth.md, "QUIC settings"); every quiche limit is set
 * explicitly because quiche defaults all flow-control and stream limits to zero and the idle
 * timeout to infinity.
 *
 * @param bindHost address the UDP socket binds to
 * @param port UDP port, 0 for an ephemeral one
 * @param advertisedHost host peers should dial (registered in discovery); null means the bind host,
 *     or 127.0.0.1 when bound to the wildcard address
 * @param idleTimeout QUIC idle timeout: a peer silent this long is considered gone
 * @param keepAliveInterval how often an idle connection sends a keep-alive on its control stream;
 *     must be well below the idle timeout
 * @param connectTimeout limit on dial + QUIC handshake
 * @param initialMaxData connection-level flow-control window, bytes
 * @param initialMaxStreamData per-stream flow-control window, bytes
 * @param maxStreams concurrent bidirectional streams a peer may open
 * @param maxUdpPayload largest UDP payload sent, or 0 for the default of the mode (see
 *     {@link #datagramCeiling()}). With path MTU discovery on it is the ceiling of the search: each
 *     connection starts at 1200 bytes and grows its datagrams to the largest size a probe of it was
 *     acknowledged at. With discovery off it is the size every connection uses from its handshake
 *     on, so it must fit every path. The node also accepts datagrams this large
 * @param socketBufferBytes SO_RCVBUF / SO_SNDBUF of the UDP socket
 * @param gso use UDP generic segmentation offload when the platform has it (Linux epoll)
 * @param maxControlFrameBytes largest control-stream frame accepted or sent
 * @param maxPendingStreams inbound streams whose header has not arrived yet, per connection
 * @param gcMinIdle a connection outside the active view with no open stream is closed after
 *     being idle (no frames either way, keep-alives excluded) this long
 * @param gcSweepPeriod how often the idle reaper looks
 * @param retryThreshold unfinished inbound handshakes (QUIC and authentication) from which a new
 *     client must first pass a QUIC Retry, proving it owns its address, at the cost of one round
 *     trip; 0 asks it of every client. Below the threshold the anti-amplification limit alone
 *     protects the path (RFC 9000 §8), and a flood of forged sources soon reaches the threshold.
 * @param pathMtuDiscovery probe each path for the largest datagram it carries (DPLPMTUD, RFC 8899
 *     and RFC 9000 §14.3), between 1200 bytes and {@code maxUdpPayload}; probes are separate
 *     packets, so a lost probe loses no data
 */
public record TransportConfig(
    String bindHost,
    int port,
    String advertisedHost,
    Duration idleTimeout,
    Duration keepAliveInterval,
    Duration connectTimeout,
    long initialMaxData,
    long initialMaxStreamData,
    long maxStreams,
    int maxUdpPayload,
    int socketBufferBytes,
    boolean gso,
    int maxControlFrameBytes,
    int maxPendingStreams,
    Duration gcMinIdle,
    Duration gcSweepPeriod,
    int retryThreshold,
    boolean pathMtuDiscovery) {

  /** {@code maxUdpPayload} value that picks the default for the mode. */
  public static final int AUTOMATIC = 0;

  // The bundled quiche probes the ceiling first, then searches down: up to 16,000 bytes its probes
  // are sent and loopback reaches the ceiling at once; with a ceiling of 32,000 or more no probe was
  // ever acknowledged on loopback in measurements and connections stayed at 1200 bytes. 16,000 also
  // covers every jumbo-frame link (9000-byte MTU) with room to spare. quiche sizes the initial
  // congestion window as 10 datagrams of the ceiling (160 KB), a larger first burst than RFC 9002's
  // 10 × 1200, which is why the ceiling is not set higher than the links it is meant for.
  private static final int DISCOVERY_CEILING = 16_000;
  private static final int FIXED_DEFAULT = 1350;

  /**
   * The largest UDP payload this node accepts, advertised to peers as QUIC's max_udp_payload_size
   * and used as the receive buffer: at least 2 KiB, and at least {@link #datagramCeiling()}, so two nodes
   * configured alike use their payload size both ways and no datagram is ever truncated.
   */
  public int maxRecvUdpPayload() {
    return Math.max(2048, datagramCeiling());
  }

  /**
   * Largest UDP payload this node sends: {@code maxUdpPayload} when set; otherwise 16,000 bytes with
   * path MTU discovery, where it only bounds the search, and 1350 without it, the size that is safe
   * on most internet paths (it leaves room for IPv6 and a tunnel or two under 1500 bytes).
   */
  public int datagramCeiling() {
    if (maxUdpPayload != AUTOMATIC) {
      return maxUdpPayload;
    }
    return pathMtuDiscovery ? DISCOVERY_CEILING : FIXED_DEFAULT;
  }

  /** Prefix of the Spring properties these settings bind from; used in error messages. */
  private static final String P = "barrel.p2p.transport.";

  /** Validates every field; messages name the setting and the allowed range. */
  public TransportConfig {
    require(bindHost != null && !bindHost.isBlank(), P + "bind-host must be set");
    require(port >= 0 && port <= 65535, P + "port must be 0..65535, got " + port);
    positive(idleTimeout, P + "idle-timeout");
    positive(keepAliveInterval, P + "keep-alive-interval");
    require(keepAliveInterval.compareTo(idleTimeout.dividedBy(2)) <= 0,
        P + "keep-alive-interval (" + keepAliveInterval + ") must be at most half of " + P + "idle-timeout ("
            + idleTimeout + ") or idle connections time out between keep-alives");
    positive(connectTimeout, P + "connect-timeout");
    require(initialMaxData >= 64 * 1024, P + "initial-max-data must be at least 64 KiB (65536 bytes), got " + initialMaxData);
    require(initialMaxStreamData >= 16 * 1024 && initialMaxStreamData <= initialMaxData,
        P + "initial-max-stream-data must be between 16 KiB (16384 bytes) and " + P
            + "initial-max-data (" + initialMaxData + "), got " + initialMaxStreamData);
    require(maxStreams >= 8 && maxStreams <= 100_000, P + "max-streams must be 8..100000, got " + maxStreams);
    require(maxUdpPayload == AUTOMATIC || (maxUdpPayload >= 1200 && maxUdpPayload <= 65527),
        P + "max-udp-payload must be 0 (the default of the mode) or 1200..65527 (QUIC needs at least 1200), got "
            + maxUdpPayload);
    require(socketBufferBytes >= 64 * 1024, P + "socket-buffer-bytes must be at least 64 KiB (65536), got " + socketBufferBytes);
    require(retryThreshold >= 0 && retryThreshold <= 100_000,
        P + "retry-threshold must be 0..100000 (0: every new client passes a Retry), got " + retryThreshold);
    require(maxControlFrameBytes >= 1024 && maxControlFrameBytes <= 64 * 1024 * 1024,
        P + "max-control-frame-bytes must be 1 KiB..64 MiB (1024..67108864), got " + maxControlFrameBytes);
    require(maxPendingStreams >= 1, P + "max-pending-streams must be at least 1, got " + maxPendingStreams);
    positive(gcMinIdle, P + "gc-min-idle");
    positive(gcSweepPeriod, P + "gc-sweep-period");
  }

  /** The defaults: ephemeral port on all interfaces. */
  public static TransportConfig defaults() {
    return new TransportConfig(
        "0.0.0.0", 0, null,
        Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10),
        32L * 1024 * 1024, 8L * 1024 * 1024, 1024,
        AUTOMATIC, 4 * 1024 * 1024, true,
        1024 * 1024, 64,
        Duration.ofMinutes(5), Duration.ofSeconds(60), 16, true);
  }

  /** A copy bound to {@code host:port}. */
  public TransportConfig withBind(String host, int port) {
    return new TransportConfig(host, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold, pathMtuDiscovery);
  }

  /** A copy with other idle-reaper settings. */
  public TransportConfig withGc(Duration minIdle, Duration sweepPeriod) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, minIdle, sweepPeriod, retryThreshold, pathMtuDiscovery);
  }

  /** A copy with another QUIC idle timeout and keep-alive interval. */
  public TransportConfig withIdleTimeout(Duration idle, Duration keepAlive) {
    return new TransportConfig(bindHost, port, advertisedHost, idle, keepAlive, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold, pathMtuDiscovery);
  }

  /** A copy with another limit on a dial and its QUIC handshake. */
  public TransportConfig withConnectTimeout(Duration timeout) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, timeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold, pathMtuDiscovery);
  }

  /** A copy with another control-frame size limit. */
  public TransportConfig withMaxControlFrameBytes(int max) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        max, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold, pathMtuDiscovery);
  }

  /**
   * A copy that sends UDP payloads up to {@code max} bytes (0: the default of the mode). With path
   * MTU discovery this only bounds the search; without it, use a value above 1350 only on paths known
   * to carry it (loopback, jumbo-frame LANs): a datagram above the path MTU is dropped.
   */
  public TransportConfig withMaxUdpPayload(int max) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, max, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold, pathMtuDiscovery);
  }

  /** A copy with another Retry threshold (0: every new client passes a Retry first). */
  public TransportConfig withRetryThreshold(int threshold) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, threshold, pathMtuDiscovery);
  }

  /** A copy with path MTU discovery on or off. */
  public TransportConfig withPathMtuDiscovery(boolean on) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold, on);
  }

  private static void positive(Duration d, String name) {
    require(d != null && !d.isNegative() && !d.isZero(), name + " must be a positive duration, got " + d);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
