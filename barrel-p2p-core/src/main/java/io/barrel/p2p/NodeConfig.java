package io.barrel.p2p;

import io.barrel.p2p.discovery.Discovery;
import io.barrel.p2p.discovery.DiscoveryConfig;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.transport.TransportConfig;
import io.barrel.p2p.transport.auth.AuthConfig;
import java.nio.file.Path;
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
 */
public record NodeConfig(
    NodeName name,
    Path dataDirectory,
    TransportConfig transport,
    AuthConfig auth,
    TrustMode trustMode,
    DiscoveryConfig discovery,
    List<Discovery> customDiscovery,
    Metrics metrics) {

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

    /** Builds and validates. */
    public NodeConfig build() {
      DiscoveryConfig d = discovery != null ? discovery
          : DiscoveryConfig.defaults().withFileDirectory(dataDirectory.resolve("discovery"));
      return new NodeConfig(name, dataDirectory, transport, auth, trustMode, d, customDiscovery, metrics);
    }
  }
}
