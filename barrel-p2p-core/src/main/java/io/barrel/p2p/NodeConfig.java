package io.barrel.p2p;

import io.barrel.p2p.broadcast.BroadcastCodec;
import io.barrel.p2p.broadcast.PlumtreeConfig;
import io.barrel.p2p.discovery.Discovery;
import io.barrel.p2p.discovery.DiscoveryConfig;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.membership.MembershipCodec;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.registry.RegistryConfig;
import io.barrel.p2p.registry.RegistryMessage;
import io.barrel.p2p.rpc.RpcConfig;
import io.barrel.p2p.transport.TransportConfig;
import io.barrel.p2p.transport.auth.AuthConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link P2pNode} needs, one home per layer. Build it with {@link #builder(String)};
 * every layer's config validates itself and the node validates the combination at start.
 *
 * @param name this node's name
 * @param dataDirectory root of the node's files: {@code keys/}, {@code quic/}, {@code discovery/}
 * @param transport QUIC, stream and idle-reaper settings
 * @param auth handshake settings and the cluster secret
 * @param trustMode TOFU or strict pinning
 * @param discovery the built-in discovery backends
 * @param customDiscovery extra discovery backends, consulted after the built-ins unless ordered
 * @param metrics where measurements go
 * @param membership HyParView settings
 * @param broadcast Plumtree settings
 * @param contactNodes nodes to join the cluster through (resolved by discovery); empty for the
 *     first node of a cluster
 * @param leaveTimeout how long a graceful stop waits for neighbours to read its DISCONNECT
 * @param registry service registry settings: leases, anti-entropy, wire bounds
 * @param rpc RPC settings: message limits, codec, server capacity, per-peer bounds, call defaults
 */
public record NodeConfig(
    NodeName name,
    Path dataDirectory,
    TransportConfig transport,
    AuthConfig auth,
    TrustMode trustMode,
    DiscoveryConfig discovery,
    List<Discovery> customDiscovery,
    Metrics metrics,
    MembershipConfig membership,
    PlumtreeConfig broadcast,
    List<NodeName> contactNodes,
    Duration leaveTimeout,
    RegistryConfig registry,
    RpcConfig rpc) {

  /** Checks for missing parts. */
  public NodeConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(trustMode, "trustMode");
    Objects.requireNonNull(discovery, "discovery");
    customDiscovery = List.copyOf(customDiscovery);
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(membership, "membership");
    Objects.requireNonNull(broadcast, "broadcast");
    contactNodes = contactNodes.stream().filter(n -> !n.equals(name)).distinct().toList();
    Objects.requireNonNull(leaveTimeout, "leaveTimeout");
    if (leaveTimeout.isNegative()) {
      throw new IllegalArgumentException("barrel.p2p.leave-timeout must not be negative, got " + leaveTimeout);
    }
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(rpc, "rpc");
    checkMessagesFitFrames(transport, membership, broadcast, registry);
    // Every call holds a stream, and the peer grants max-streams of them for everything (the control
    // stream and application streams too): at the bound, opening the next one fails with a stream
    // limit error that reads as an unreachable instance, and healthy peers get ejected.
    if (rpc.maxInFlightPerPeer() >= transport.maxStreams()) {
      throw new IllegalArgumentException("barrel.p2p.rpc.max-in-flight-per-peer (" + rpc.maxInFlightPerPeer()
          + ") must be below barrel.p2p.transport.max-streams (" + transport.maxStreams() + "), the streams a peer"
          + " grants for calls, the control stream and application streams together: lower it, or raise"
          + " max-streams on every node");
    }
  }

  /**
   * Every layer's largest message must fit the frame that carries it, or the first one that large
   * would be refused by the transport at run time (the send fails, the message is lost, and for an
   * anti-entropy chunk the same one is refused on every round): refused here instead, at start-up,
   * naming the settings to change. Control frames carry membership, broadcast and registry
   * messages; a broadcast's payload carries registry deltas.
   */
  private static void checkMessagesFitFrames(TransportConfig transport, MembershipConfig membership,
      PlumtreeConfig broadcast, RegistryConfig registry) {
    int frame = transport.maxControlFrameBytes();
    String frameSetting = "barrel.p2p.transport.max-control-frame-bytes (" + frame + ")";
    int shuffleIds = 1 + membership.shuffleActive() + membership.shufflePassive();
    int shuffle = MembershipCodec.maxShuffleBytes(shuffleIds);
    if (shuffle > frame) {
      throw new IllegalArgumentException("barrel.p2p.membership.shuffle-active and shuffle-passive make shuffles of "
          + shuffleIds + " names, up to " + shuffle + " bytes with the longest node names, more than "
          + frameSetting + " allows: raise it to at least " + shuffle + " on every node, or shuffle fewer names");
    }
    int gossip = BroadcastCodec.of(broadcast).maxEncodedSize();
    if (gossip > frame) {
      throw new IllegalArgumentException("barrel.p2p.broadcast.max-payload-bytes (" + broadcast.maxPayloadBytes()
          + ") and max-ihave-batch (" + broadcast.maxIHaveBatch() + ") make broadcast messages of up to " + gossip
          + " bytes, more than " + frameSetting + " allows: raise it to at least " + gossip
          + " on every node, or lower them");
    }
    int total = registry.crdt().maxTotalBytes();
    if (registry.largestControlBytes() > frame) {
      throw new IllegalArgumentException("barrel.p2p.registry.crdt.max-total-bytes (" + total
          + ") and max-value-bytes (" + registry.crdt().maxValueBytes() + ") make registry digests, anti-entropy"
          + " chunks and overlay route replies of up to " + registry.largestControlBytes() + " bytes, more than "
          + frameSetting + " allows: raise it to at least " + registry.largestControlBytes()
          + " on every node, or lower them");
    }
    if (registry.largestBroadcastBytes() > broadcast.maxPayloadBytes()) {
      throw new IllegalArgumentException("barrel.p2p.registry.crdt.max-total-bytes (" + total
          + ") makes registry deltas of up to " + registry.largestBroadcastBytes()
          + " bytes, more than barrel.p2p.broadcast.max-payload-bytes (" + broadcast.maxPayloadBytes()
          + ") allows: raise max-payload-bytes to at least " + registry.largestBroadcastBytes()
          + ", or lower max-total-bytes to " + (broadcast.maxPayloadBytes() - RegistryMessage.DELTA_HEADER_BYTES)
          + " or less");
    }
  }

  /** A builder with every default, for node {@code name}. */
  public static Builder builder(String name) {
    return new Builder(NodeName.of(name));
  }

  /** Directory of the Ed25519 identity and trust pins. */
  public Path keyDirectory() {
    return dataDirectory.resolve("keys");
  }

  /** Directory of the QUIC TLS material. */
  public Path tlsDirectory() {
    return dataDirectory.resolve("quic");
  }

  /** Fluent construction of a {@link NodeConfig}. */
  public static final class Builder {
    private final NodeName name;
    private Path dataDirectory = Path.of("data");
    private TransportConfig transport = TransportConfig.defaults();
    private AuthConfig auth = AuthConfig.defaults();
    private TrustMode trustMode = TrustMode.TOFU;
    private DiscoveryConfig discovery;
    private List<Discovery> customDiscovery = List.of();
    private Metrics metrics = Metrics.noop();
    private MembershipConfig membership = MembershipConfig.defaults();
    private PlumtreeConfig broadcast = PlumtreeConfig.defaults();
    private List<NodeName> contactNodes = List.of();
    private Duration leaveTimeout = Duration.ofSeconds(2);
    private RegistryConfig registry = RegistryConfig.defaults();
    private RpcConfig rpc = RpcConfig.defaults();

    private Builder(NodeName name) {
      this.name = name;
    }

    /** Root directory of the node's files (default {@code data}). */
    public Builder dataDirectory(Path dir) {
      this.dataDirectory = dir;
      return this;
    }

    /** Transport settings. */
    public Builder transport(TransportConfig transport) {
      this.transport = transport;
      return this;
    }

    /** Handshake settings. */
    public Builder auth(AuthConfig auth) {
      this.auth = auth;
      return this;
    }

    /** TOFU (default) or strict. */
    public Builder trustMode(TrustMode mode) {
      this.trustMode = mode;
      return this;
    }

    /** Discovery backends; the default uses {@code <data>/discovery} for the file backend. */
    public Builder discovery(DiscoveryConfig discovery) {
      this.discovery = discovery;
      return this;
    }

    /** Extra discovery backends. */
    public Builder customDiscovery(List<Discovery> backends) {
      this.customDiscovery = backends;
      return this;
    }

    /** Where measurements go (default: nowhere). */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** HyParView settings (default: the reference system's, active 5 / passive 30). */
    public Builder membership(MembershipConfig membership) {
      this.membership = membership;
      return this;
    }

    /** Plumtree settings. */
    public Builder broadcast(PlumtreeConfig broadcast) {
      this.broadcast = broadcast;
      return this;
    }

    /** Nodes to join through; this node's own name is ignored, so every node can share one list. */
    public Builder contactNodes(List<NodeName> contacts) {
      this.contactNodes = contacts;
      return this;
    }

    /** Nodes to join through, by name. */
    public Builder contactNodes(String... contacts) {
      this.contactNodes = java.util.Arrays.stream(contacts).map(NodeName::of).toList();
      return this;
    }

    /** How long a graceful stop waits for neighbours to acknowledge the leave (default 2 s). */
    public Builder leaveTimeout(Duration timeout) {
      this.leaveTimeout = timeout;
      return this;
    }

    /** Service registry settings. */
    public Builder registry(RegistryConfig registry) {
      this.registry = registry;
      return this;
    }

    /** RPC settings. */
    public Builder rpc(RpcConfig rpc) {
      this.rpc = rpc;
      return this;
    }

    /** Builds and validates. */
    public NodeConfig build() {
      DiscoveryConfig d = discovery != null ? discovery
          : DiscoveryConfig.defaults().withFileDirectory(dataDirectory.resolve("discovery"));
      return new NodeConfig(name, dataDirectory, transport, auth, trustMode, d, customDiscovery, metrics, membership,
          broadcast, contactNodes, leaveTimeout, registry, rpc);
    }
  }
}
