package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.NodeName;
import io.barrel.p2p.broadcast.PlumtreeConfig;
import io.barrel.p2p.discovery.Discovery;
import io.barrel.p2p.discovery.DiscoveryConfig;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.registry.RegistryConfig;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.RpcCodec;
import io.barrel.p2p.rpc.RpcConfig;
import io.barrel.p2p.transport.TransportConfig;
import io.barrel.p2p.transport.auth.AuthConfig;
import io.barrel.p2p.transport.auth.UnsafeConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code barrel.p2p.*} properties. Settings the core already models are bound straight onto its
 * configuration records ({@link TransportConfig}, {@link AuthConfig}, {@link DiscoveryConfig},
 * {@link MembershipConfig}, {@link PlumtreeConfig}, {@link RegistryConfig}, {@link RpcConfig}), whose
 * constructors validate them; a property left unset keeps the core's default, which
 * {@link CoreDefaultProperties} supplies. Only what the core has no record for is declared here: the
 * starter's own switches and the client groups of injected proxies ({@link ClientGroupProperties}).
 *
 * <p>Validated when bound ({@link #validate}): a mistake fails startup with the property's name and
 * what it accepts.
 */
@ConfigurationProperties(prefix = P2pProperties.PREFIX)
public class P2pProperties implements Validator {

  /** The prefix of every property. */
  public static final String PREFIX = "barrel.p2p";

  private static final NodeConfig CORE = CoreDefaultProperties.coreDefaults();

  /** Whether to start a barrel-p2p node in this application. */
  private boolean enabled = true;

  /**
   * This node's name, name@host (A-Z a-z 0-9 _ . - on each side of the @): the identity it proves
   * to peers, unique in the cluster. Required.
   */
  private NodeName nodeName;

  /** Root of the node's files: keys/ (identity and trust pins), quic/ (TLS material), discovery/. */
  private Path dataDirectory = CORE.dataDirectory();

  /**
   * Nodes to join the cluster through, resolved by discovery; this node's own name is ignored, so
   * every node can share one list. Empty for the first node of a cluster.
   */
  private List<NodeName> contactNodes = new ArrayList<>(CORE.contactNodes());

  /**
   * Whether this node runs alone on purpose: its health is then UP without a neighbour. Requires
   * contact-nodes to be empty.
   */
  private boolean singleNode;

  /** How long a graceful stop waits at most for neighbours to acknowledge the leave. */
  private Duration leaveTimeout = CORE.leaveTimeout();

  /** How keys without a pin are treated: tofu pins the first key seen, strict accepts pinned keys only. */
  private TrustMode trustMode = CORE.trustMode();

  /** QUIC listener, flow control, keep-alives and the idle-connection reaper (gc-*). */
  @NestedConfigurationProperty
  private TransportConfig transport = CORE.transport();

  /** The Ed25519 handshake: cluster secret, identity verification, clock window, exempt nodes. */
  @NestedConfigurationProperty
  private AuthConfig auth = CORE.auth();

  /** Discovery backends that turn a node name into an address: static, file, DNS. */
  @NestedConfigurationProperty
  private DiscoveryConfig discovery = CORE.discovery();

  /** HyParView membership: view sizes, random walks, shuffles, backoff, repair. */
  @NestedConfigurationProperty
  private MembershipConfig membership = CORE.membership();

  /** Plumtree broadcast: IHAVE batching, GRAFT repair, de-duplication and payload bounds. */
  @NestedConfigurationProperty
  private PlumtreeConfig broadcast = CORE.broadcast();

  /** Service registry: leases (liveness), anti-entropy, whereis retries and CRDT wire bounds. */
  @NestedConfigurationProperty
  private RegistryConfig registry = CORE.registry();

  /**
   * RPC: message limits, how many calls this node serves and keeps in flight per peer, how long a
   * stop waits for calls being served, and the options of every proxy (call-defaults).
   */
  @NestedConfigurationProperty
  private RpcConfig rpc = CORE.rpc();

  /**
   * Client groups of injected service proxies (@ImportP2pServices(group = ...)), by group name: how
   * their calls are routed, timed and retried; unset settings come from rpc.call-defaults.
   */
  private Map<String, ClientGroupProperties> client = new LinkedHashMap<>();

  private final Shutdown shutdown = new Shutdown();

  /** The node configuration these properties describe, with the application's metrics and extra discovery backends. */
  public NodeConfig toNodeConfig(Metrics metrics, List<Discovery> customDiscovery) {
    return toNodeConfig(metrics, customDiscovery, null);
  }

  /**
   * The node configuration these properties describe, with the application's metrics, extra
   * discovery backends and RPC codec (null for the core's).
   */
  public NodeConfig toNodeConfig(Metrics metrics, List<Discovery> customDiscovery, RpcCodec codec) {
    if (nodeName == null) {
      throw new IllegalStateException(PREFIX + ".node-name is not set");
    }
    return NodeConfig.builder(nodeName.toString())
        .dataDirectory(dataDirectory)
        .contactNodes(List.copyOf(contactNodes))
        .leaveTimeout(leaveTimeout)
        .trustMode(trustMode)
        .transport(transport)
        .auth(auth)
        .discovery(discovery)
        .customDiscovery(customDiscovery)
        .metrics(metrics)
        .membership(membership)
        .broadcast(broadcast)
        .registry(registry)
        .rpc(codec == null ? rpc : rpc.withCodec(codec))
        .build();
  }

  @Override
  public boolean supports(Class<?> type) {
    return P2pProperties.class.isAssignableFrom(type);
  }

  /** Checks what the core's records cannot check alone: required values and combinations. */
  @Override
  public void validate(Object target, Errors errors) {
    P2pProperties p = (P2pProperties) target;
    if (!p.enabled) {
      return;
    }
    if (p.nodeName == null) {
      errors.rejectValue("nodeName", "required", PREFIX + ".node-name is required: set it to this node's"
          + " unique name, name@host, e.g. orders-1@10.0.0.5 (A-Z a-z 0-9 _ . - on each side of the @)");
    }
    if (p.dataDirectory == null) {
      errors.rejectValue("dataDirectory", "required", PREFIX + ".data-directory is empty; set it to a"
          + " directory only this node uses (keys and TLS material are stored there)");
    }
    if (p.singleNode && p.contactNodes.stream().anyMatch(n -> !n.equals(p.nodeName))) {
      errors.rejectValue("singleNode", "conflict", PREFIX + ".single-node=true but " + PREFIX
          + ".contact-nodes lists " + p.contactNodes + "; a single node joins nobody: remove the contacts"
          + " or set single-node=false");
    }
    negative(errors, "leaveTimeout", p.leaveTimeout, "leave-timeout");
    negative(errors, "shutdown.drainTimeout", p.shutdown.drainTimeout, "shutdown.drain-timeout");
    try {
      p.auth.validate();
    } catch (UnsafeConfigurationException e) {
      errors.rejectValue("auth", "unsafe", e.getMessage());
    }
    p.client.forEach((group, settings) -> validateGroup(errors, group, settings, p.rpc.callDefaults()));
  }

  /** Property names of a client group, for messages. */
  static final List<String> CLIENT_GROUP_PROPERTIES = List.of("service", "deadline", "max-attempts",
      "initial-backoff", "max-backoff", "jitter", "balancer", "version", "tags", "max-concurrent-per-instance",
      "headers", "outliers.consecutive-failures", "outliers.base-ejection", "outliers.max-ejection",
      "outliers.max-ejected-percent");

  private static void validateGroup(Errors errors, String group, ClientGroupProperties settings,
      CallOptions defaults) {
    String prefix = PREFIX + ".client." + group;
    if (settings == null) {
      return;
    }
    try {
      settings.over(defaults);
    } catch (IllegalArgumentException | NullPointerException e) {
      String property = MessageSubject.find(e.getMessage(), CLIENT_GROUP_PROPERTIES).map(n -> prefix + "." + n)
          .orElse(prefix);
      errors.rejectValue("client[" + group + "]", "invalid", property + ": " + e.getMessage());
    }
  }

  private static void negative(Errors errors, String field, Duration value, String property) {
    if (value == null || value.isNegative()) {
      errors.rejectValue(field, "negative", PREFIX + "." + property + " must be zero or a positive duration"
          + " (e.g. 2s), got " + value);
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public NodeName getNodeName() {
    return nodeName;
  }

  public void setNodeName(NodeName nodeName) {
    this.nodeName = nodeName;
  }

  public Path getDataDirectory() {
    return dataDirectory;
  }

  public void setDataDirectory(Path dataDirectory) {
    this.dataDirectory = dataDirectory;
  }

  public List<NodeName> getContactNodes() {
    return contactNodes;
  }

  public void setContactNodes(List<NodeName> contactNodes) {
    this.contactNodes = contactNodes;
  }

  public boolean isSingleNode() {
    return singleNode;
  }

  public void setSingleNode(boolean singleNode) {
    this.singleNode = singleNode;
  }

  public Duration getLeaveTimeout() {
    return leaveTimeout;
  }

  public void setLeaveTimeout(Duration leaveTimeout) {
    this.leaveTimeout = leaveTimeout;
  }

  public TrustMode getTrustMode() {
    return trustMode;
  }

  public void setTrustMode(TrustMode trustMode) {
    this.trustMode = trustMode;
  }

  public TransportConfig getTransport() {
    return transport;
  }

  public void setTransport(TransportConfig transport) {
    this.transport = transport;
  }

  public AuthConfig getAuth() {
    return auth;
  }

  public void setAuth(AuthConfig auth) {
    this.auth = auth;
  }

  public DiscoveryConfig getDiscovery() {
    return discovery;
  }

  public void setDiscovery(DiscoveryConfig discovery) {
    this.discovery = discovery;
  }

  public MembershipConfig getMembership() {
    return membership;
  }

  public void setMembership(MembershipConfig membership) {
    this.membership = membership;
  }

  public PlumtreeConfig getBroadcast() {
    return broadcast;
  }

  public void setBroadcast(PlumtreeConfig broadcast) {
    this.broadcast = broadcast;
  }

  public RegistryConfig getRegistry() {
    return registry;
  }

  public void setRegistry(RegistryConfig registry) {
    this.registry = registry;
  }

  public RpcConfig getRpc() {
    return rpc;
  }

  public void setRpc(RpcConfig rpc) {
    this.rpc = rpc;
  }

  public Map<String, ClientGroupProperties> getClient() {
    return client;
  }

  public void setClient(Map<String, ClientGroupProperties> client) {
    this.client = client;
  }

  public Shutdown getShutdown() {
    return shutdown;
  }

  /** What the node's lifecycle does when the application stops. */
  public static class Shutdown {

    /**
     * How long the stop waits for in-flight work (every InFlightDrain bean) after this node's
     * services are unregistered and before it leaves the cluster.
     */
    private Duration drainTimeout = Duration.ofSeconds(10);

    public Duration getDrainTimeout() {
      return drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
    }
  }
}
