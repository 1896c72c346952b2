package io.barrel.p2p.autoconfigure.endpoint;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.Addresses;
import io.barrel.p2p.identity.RotationResult;
import io.barrel.p2p.identity.TrustPin;
import io.barrel.p2p.registry.Registry;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.Publication;
import io.barrel.p2p.rpc.RpcEndpoint;
import io.barrel.p2p.spring.P2pServiceClients;
import io.barrel.p2p.transport.ConnectionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code p2p} actuator endpoint.
 *
 * <p>Read: {@code GET /actuator/p2p} (everything, a {@link NodeReport}) and
 * {@code GET /actuator/p2p/{identity|views|connections|services|trust|rpc}}.
 *
 * <p>Write, refused unless {@code management.endpoint.p2p.access=unrestricted} (the endpoint's
 * default access is read-only): {@code POST /actuator/p2p/join} with {@code {"node": "b@host"}},
 * {@code POST /actuator/p2p/leave}, {@code POST /actuator/p2p/rotate-identity} and
 * {@code POST /actuator/p2p/unpin} with {@code {"node": "b@host"}}.
 */
@Endpoint(id = "p2p", defaultAccess = Access.READ_ONLY)
public class P2pEndpoint {

  /** The parts of the report, each readable on its own. */
  public static final List<String> SECTIONS = List.of("identity", "views", "connections", "services", "trust",
      "rpc");
  /** The write operations. */
  public static final List<String> ACTIONS = List.of("join", "leave", "rotate-identity", "unpin");

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final P2pNode node;
  private final Duration leaveTimeout;
  private final @Nullable P2pServiceClients clients;

  /**
   * @param leaveTimeout how long the leave operation waits for neighbours to acknowledge
   */
  public P2pEndpoint(P2pNode node, Duration leaveTimeout) {
    this(node, leaveTimeout, null);
  }

  /**
   * @param leaveTimeout how long the leave operation waits for neighbours to acknowledge
   * @param clients the application's client groups, shown under {@code rpc}; null when there are none
   */
  public P2pEndpoint(P2pNode node, Duration leaveTimeout, @Nullable P2pServiceClients clients) {
    this.node = node;
    this.leaveTimeout = leaveTimeout;
    this.clients = clients;
  }

  /** Everything: identity, views, connections, services, trust. */
  @ReadOperation
  public NodeReport report() {
    if (!node.isRunning()) {
      return new NodeReport(false, new NodeReport.Identity(node.name().toString(), null, null, null),
          new NodeReport.Views(List.of(), List.of()), List.of(),
          new NodeReport.Services(List.of(), Map.of()), new NodeReport.Trust(null, List.of()),
          new NodeReport.Rpc(List.of(), 0, 0, clientGroups()));
    }
    return new NodeReport(true, identity(), views(), connections(), services(), trust(), rpc());
  }

  /** One part of the report. */
  @ReadOperation
  public Object section(@Selector String section) {
    NodeReport report = report();
    switch (section) {
      case "identity":
        return report.identity();
      case "views":
        return report.views();
      case "connections":
        return report.connections();
      case "services":
        return report.services();
      case "trust":
        return report.trust();
      case "rpc":
        return report.rpc();
      default:
        throw new InvalidEndpointRequestException("unknown part '" + section + "' of the p2p endpoint; use one of "
            + SECTIONS, "unknown section");
    }
  }

  /**
   * An operator action: {@code join} (through {@code node}), {@code leave}, {@code rotate-identity},
   * {@code unpin} (the key pinned for {@code node}).
   */
  @WriteOperation
  public Map<String, Object> operate(@Selector String action, @Nullable String node) {
    requireRunning();
    switch (action) {
      case "join":
        return join(requireNode(action, node));
      case "leave":
        return leave();
      case "rotate-identity":
        return rotateIdentity();
      case "unpin":
        return unpin(requireNode(action, node));
      default:
        throw new InvalidEndpointRequestException("unknown action '" + action + "' of the p2p endpoint; use one of "
            + ACTIONS, "unknown action");
    }
  }

  private NodeReport.Identity identity() {
    return new NodeReport.Identity(node.name().toString(), node.fingerprint().hex(),
        Addresses.format(node.listenAddress()), Addresses.format(node.advertisedAddress()));
  }

  private NodeReport.Views views() {
    return new NodeReport.Views(sorted(node.membership().activeView()), sorted(node.membership().passiveView()));
  }

  private List<NodeReport.Connection> connections() {
    List<NodeReport.Connection> out = new ArrayList<>();
    for (ConnectionInfo c : node.connections()) {
      out.add(new NodeReport.Connection(c.peer().toString(), c.outbound() ? "outbound" : "inbound",
          Addresses.format(c.remoteAddress()), c.establishedAt(), c.idleFor().toMillis(), c.openStreams()));
    }
    out.sort((a, b) -> a.peer().compareTo(b.peer()));
    return out;
  }

  private NodeReport.Services services() {
    Registry registry = node.registry();
    List<NodeReport.Instance> local = new ArrayList<>();
    Map<String, List<NodeReport.Instance>> cluster = new LinkedHashMap<>();
    for (String service : registry.list()) {
      registry.lookupLocal(service).forEach(i -> local.add(instance(i)));
      cluster.put(service, registry.lookup(service).stream().map(P2pEndpoint::instance).toList());
    }
    return new NodeReport.Services(local, cluster);
  }

  private static NodeReport.Instance instance(ServiceInstance i) {
    return new NodeReport.Instance(i.service(), i.node().toString(), i.instanceId(), i.metadata().version(),
        List.copyOf(i.metadata().tags()), i.metadata().weight(), Map.copyOf(i.metadata().attributes()));
  }

  private NodeReport.Trust trust() {
    List<NodeReport.Pin> pins = new ArrayList<>();
    for (TrustPin pin : node.trustStore().list()) {
      pins.add(new NodeReport.Pin(pin.node().toString(), pin.fingerprint().hex(),
          pin.level().name().toLowerCase(Locale.ROOT), pin.addedAt(), pin.lastSeen()));
    }
    return new NodeReport.Trust(node.trustStore().mode().name().toLowerCase(Locale.ROOT), pins);
  }

  private NodeReport.Rpc rpc() {
    RpcEndpoint rpc = node.rpc();
    List<NodeReport.Publication> publications = new ArrayList<>();
    for (Publication p : rpc.publications()) {
      ServiceInstance i = p.instance();
      publications.add(new NodeReport.Publication(p.service(), p.serviceInterface().getName(), i.instanceId(),
          i.metadata().version(), List.copyOf(i.metadata().tags()), i.metadata().weight()));
    }
    publications.sort((a, b) -> a.service().compareTo(b.service()));
    return new NodeReport.Rpc(publications, rpc.callsInFlight(), rpc.callsBeingServed(), clientGroups());
  }

  private Map<String, NodeReport.ClientGroup> clientGroups() {
    Map<String, NodeReport.ClientGroup> out = new LinkedHashMap<>();
    if (clients == null) {
      return out;
    }
    clients.groups().forEach((group, types) -> {
      CallOptions o = clients.options(group);
      out.put(group, new NodeReport.ClientGroup(types.stream().map(Class::getName).sorted().toList(), o.service(),
          o.balancer().toString(), o.filter().version(), List.copyOf(o.filter().tags()), o.policy().deadlineMillis(),
          o.policy().maxAttempts(), o.maxConcurrentPerInstance(), o.outliers().enabled()
              ? o.outliers().consecutiveFailures() : 0, List.copyOf(o.headers().keySet())));
    });
    return out;
  }

  private Map<String, Object> join(NodeName contact) {
    await(node.membership().join(List.of(contact)), JOIN_TIMEOUT, "join through " + contact);
    return Map.of("action", "join", "contact", contact.toString(),
        "result", "contact added; the node links to it in the background (watch views.active)");
  }

  private Map<String, Object> leave() {
    await(node.registry().unregisterAll(), leaveTimeout.plusSeconds(1), "unregister this node's services");
    await(node.membership().leave(leaveTimeout), leaveTimeout.plusSeconds(1), "leave");
    return Map.of("action", "leave", "result", "services unregistered and neighbours told; the node keeps"
        + " running outside the cluster until the application restarts");
  }

  private Map<String, Object> rotateIdentity() {
    RotationResult rotation = node.rotateIdentity();
    return Map.of("action", "rotate-identity", "fingerprint", rotation.identity().fingerprint().hex(),
        "backup", String.valueOf(rotation.backupDir()),
        "result", "new key in use for the next handshakes; peers that pinned the old key must unpin "
            + node.name());
  }

  private Map<String, Object> unpin(NodeName peer) {
    boolean removed = node.trustStore().unpin(peer);
    return Map.of("action", "unpin", "node", peer.toString(), "removed", removed);
  }

  private void requireRunning() {
    if (!node.isRunning()) {
      throw new InvalidEndpointRequestException("node " + node.name() + " is not running", "not running");
    }
  }

  private static NodeName requireNode(String action, @Nullable String node) {
    if (node == null || node.isBlank()) {
      throw new InvalidEndpointRequestException(action + " needs the node's name: {\"node\": \"name@host\"}",
          "missing node");
    }
    try {
      return NodeName.of(node.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), "invalid node name");
    }
  }

  private static void await(java.util.concurrent.CompletableFuture<?> future, Duration timeout, String what) {
    try {
      future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new InvalidEndpointRequestException(what + " failed: " + cause.getMessage(), "refused", cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not finish within " + timeout, e);
    }
  }

  private static List<String> sorted(java.util.Set<NodeName> names) {
    return names.stream().sorted().map(NodeName::toString).toList();
  }
}
