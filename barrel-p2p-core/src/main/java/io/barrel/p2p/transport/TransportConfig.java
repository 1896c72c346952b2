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
 * @param maxUdpPayload largest UDP payload sent; 1350 is safe on most internet paths
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
    int retryThreshold) {

  /**
   * The largest UDP payload this node accepts, advertised to peers as QUIC's max_udp_payload_size
   * and used as the receive buffer: at least 2 KiB, and at least {@code maxUdpPayload}, so two nodes
   * configured alike use their payload size both ways and no datagram is ever truncated.
   */
  public int maxRecvUdpPayload() {
    return Math.max(2048, maxUdpPayload);
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
    require(maxUdpPayload >= 1200 && maxUdpPayload <= 65527,
        P + "max-udp-payload must be 1200..65527 (QUIC needs at least 1200), got " + maxUdpPayload);
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
        1350, 4 * 1024 * 1024, true,
        1024 * 1024, 64,
        Duration.ofMinutes(5), Duration.ofSeconds(60), 16);
  }

  /** A copy bound to {@code host:port}. */
  public TransportConfig withBind(String host, int port) {
    return new TransportConfig(host, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold);
  }

  /** A copy with other idle-reaper settings. */
  public TransportConfig withGc(Duration minIdle, Duration sweepPeriod) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, minIdle, sweepPeriod, retryThreshold);
  }

  /** A copy with another QUIC idle timeout and keep-alive interval. */
  public TransportConfig withIdleTimeout(Duration idle, Duration keepAlive) {
    return new TransportConfig(bindHost, port, advertisedHost, idle, keepAlive, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold);
  }

  /** A copy with another control-frame size limit. */
  public TransportConfig withMaxControlFrameBytes(int max) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        max, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold);
  }

  /**
   * A copy that sends UDP payloads up to {@code max} bytes: only for paths known to carry them
   * (loopback, jumbo-frame LANs); on the internet a datagram above the path MTU is dropped.
   */
  public TransportConfig withMaxUdpPayload(int max) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, max, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, retryThreshold);
  }

  /** A copy with another Retry threshold (0: every new client passes a Retry first). */
  public TransportConfig withRetryThreshold(int threshold) {
    return new TransportConfig(bindHost, port, advertisedHost, idleTimeout, keepAliveInterval, connectTimeout,
        initialMaxData, initialMaxStreamData, maxStreams, maxUdpPayload, socketBufferBytes, gso,
        maxControlFrameBytes, maxPendingStreams, gcMinIdle, gcSweepPeriod, threshold);
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
