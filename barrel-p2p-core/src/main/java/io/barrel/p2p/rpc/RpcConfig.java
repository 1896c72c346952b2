package io.barrel.p2p.rpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a node's RPC layer: message limits, the codec, how many calls it serves at once and
 * how many it keeps in flight towards one peer.
 *
 * @param limits message size, header and error limits (both ends should agree)
 * @param codec how arguments and results are encoded; null means Jackson CBOR with {@code limits}
 * @param maxConcurrentCalls service methods running at once on this node
 * @param maxQueuedCalls calls waiting for a free slot beyond those; more are answered "overloaded"
 * @param maxInFlightPerPeer calls this node has open towards one peer (each is a QUIC stream, so
 *     this must stay below the peer's {@code transport.max-streams}); more wait for a slot
 * @param maxWaitingPerPeer calls waiting for such a slot; more fail at once as overloaded
 * @param drainTimeout how long {@code stop()} waits for calls being served to finish
 * @param callDefaults call options for proxies made without options of their own
 */
public record RpcConfig(RpcLimits limits, RpcCodec codec, int maxConcurrentCalls, int maxQueuedCalls,
    int maxInFlightPerPeer, int maxWaitingPerPeer, Duration drainTimeout, CallOptions callDefaults) {

  /** Checks the settings and fills in the default codec. */
  public RpcConfig {
    Objects.requireNonNull(limits, "rpc.limits");
    if (codec == null) {
      codec = new JacksonCborCodec(limits);
    }
    require(maxConcurrentCalls >= 1 && maxConcurrentCalls <= 100_000, "rpc.max-concurrent-calls must be 1..100000");
    require(maxQueuedCalls >= 0 && maxQueuedCalls <= 1_000_000, "rpc.max-queued-calls must be 0..1000000");
    require(maxInFlightPerPeer >= 1 && maxInFlightPerPeer <= 100_000, "rpc.max-in-flight-per-peer must be 1..100000");
    require(maxWaitingPerPeer >= 0 && maxWaitingPerPeer <= 1_000_000, "rpc.max-waiting-per-peer must be 0..1000000");
    Objects.requireNonNull(drainTimeout, "rpc.drain-timeout");
    require(!drainTimeout.isNegative(), "rpc.drain-timeout must not be negative");
    Objects.requireNonNull(callDefaults, "rpc.call-defaults");
    try {
      limits.checkHeaders(callDefaults.headers());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("barrel.p2p.rpc.call-defaults.headers: " + e.getMessage(), e);
    }
  }

  /** 16 MiB messages, CBOR, 512 calls served at once plus 4,096 queued, 512 in flight per peer. */
  public static RpcConfig defaults() {
    return new RpcConfig(RpcLimits.defaults(), null, 512, 4096, 512, 8192, Duration.ofSeconds(10),
        CallOptions.defaults());
  }

  /** A copy with other limits (and the default codec rebuilt for them unless a custom one was set). */
  public RpcConfig withLimits(RpcLimits l) {
    RpcCodec c = codec instanceof JacksonCborCodec ? null : codec;
    return new RpcConfig(l, c, maxConcurrentCalls, maxQueuedCalls, maxInFlightPerPeer, maxWaitingPerPeer,
        drainTimeout, callDefaults);
  }

  /** A copy with another codec. */
  public RpcConfig withCodec(RpcCodec c) {
    return new RpcConfig(limits, c, maxConcurrentCalls, maxQueuedCalls, maxInFlightPerPeer, maxWaitingPerPeer,
        drainTimeout, callDefaults);
  }

  /** A copy with other server capacity. */
  public RpcConfig withServerCapacity(int concurrent, int queued) {
    return new RpcConfig(limits, codec, concurrent, queued, maxInFlightPerPeer, maxWaitingPerPeer, drainTimeout, callDefaults);
  }

  /** A copy with other per-peer client bounds. */
  public RpcConfig withPerPeer(int inFlight, int waiting) {
    return new RpcConfig(limits, codec, maxConcurrentCalls, maxQueuedCalls, inFlight, waiting, drainTimeout, callDefaults);
  }

  /** A copy with another drain timeout. */
  public RpcConfig withDrainTimeout(Duration d) {
    return new RpcConfig(limits, codec, maxConcurrentCalls, maxQueuedCalls, maxInFlightPerPeer, maxWaitingPerPeer, d,
        callDefaults);
  }

  /** A copy with other default call options. */
  public RpcConfig withCallDefaults(CallOptions d) {
    return new RpcConfig(limits, codec, maxConcurrentCalls, maxQueuedCalls, maxInFlightPerPeer, maxWaitingPerPeer,
        drainTimeout, d);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
