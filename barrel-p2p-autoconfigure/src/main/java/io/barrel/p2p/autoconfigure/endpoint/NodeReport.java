package io.barrel.p2p.autoconfigure.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /actuator/p2p} shows of a node; each part is also {@code GET /actuator/p2p/<part>}.
 * Plain strings and numbers only, so any JSON mapper renders it the same way.
 *
 * @param running whether the node is running; when false the other parts are empty
 * @param identity who this node is and where it listens
 * @param views the HyParView active and passive views
 * @param connections the authenticated QUIC connections
 * @param services this node's registrations and every live instance in the cluster
 * @param trust the trust mode and the pinned keys
 * @param rpc this node's published services, its calls in flight and its client groups
 */
public record NodeReport(boolean running, Identity identity, Views views, List<Connection> connections,
    Services services, Trust trust, Rpc rpc) {

  /**
   * @param node the node name
   * @param fingerprint SHA-256 of the Ed25519 public key, hex
   * @param listenAddress the bound UDP address
   * @param advertisedAddress the address registered in discovery
   */
  public record Identity(String node, String fingerprint, String listenAddress, String advertisedAddress) {}

  /**
   * @param active neighbours this node keeps links to
   * @param passive known nodes kept as replacements
   */
  public record Views(List<String> active, List<String> passive) {}

  /**
   * @param peer the authenticated peer
   * @param direction outbound when this node dialled, else inbound
   * @param remoteAddress the peer's UDP address as QUIC sees it
   * @param establishedAt when the connection started carrying traffic
   * @param idleMillis time since the last frame either way
   * @param openStreams data and application streams open now
   */
  public record Connection(String peer, String direction, String remoteAddress, Instant establishedAt,
      long idleMillis, int openStreams) {}

  /**
   * @param local this node's registrations
   * @param cluster every service with a live instance, by name, this node's instances first
   */
  public record Services(List<Instance> local, Map<String, List<Instance>> cluster) {}

  /**
   * @param service the service name
   * @param node the node that serves it
   * @param instanceId unique among that node's registrations
   * @param version the service version, empty when not versioned
   * @param tags labels callers filter on
   * @param weight relative share of calls
   * @param attributes free string attributes
   */
  public record Instance(String service, String node, String instanceId, String version, List<String> tags,
      int weight, Map<String, String> attributes) {}

  /**
   * @param mode tofu or strict
   * @param pins every pinned key, by node name
   */
  public record Trust(String mode, List<Pin> pins) {}

  /**
   * @param node the node the key is pinned for
   * @param fingerprint SHA-256 of the pinned key, hex
   * @param level how the pin was made (tofu or permanent)
   * @param addedAt when it was pinned
   * @param lastSeen the last successful handshake with it, null when none since this start
   */
  public record Pin(String node, String fingerprint, String level, Instant addedAt, Instant lastSeen) {}

  /**
   * @param publications the services this node publishes (its own objects, exported for remote calls)
   * @param callsInFlight calls from this node waiting for a remote answer now
   * @param callsBeingServed calls this node is serving now
   * @param clients the groups of injected proxies ({@code @ImportP2pServices}) by name, with the
   *     options their calls use; empty when there are none
   */
  public record Rpc(List<Publication> publications, int callsInFlight, int callsBeingServed,
      Map<String, ClientGroup> clients) {}

  /**
   * @param service the service name
   * @param serviceInterface the interface it is served as
   * @param instanceId its registration's id on this node
   * @param version the registered version, empty when not versioned
   * @param tags the registered tags
   * @param weight the registered weight
   */
  public record Publication(String service, String serviceInterface, String instanceId, String version,
      List<String> tags, int weight) {}

  /**
   * @param interfaces the group's service interfaces
   * @param service the service name its proxies call, null for each interface's own name
   * @param balancer the load balancer
   * @param version the version filter, empty for any
   * @param tags the tags every instance must carry
   * @param deadlineMillis the deadline of a call, retries included (methods with {@code @Deadline} keep theirs)
   * @param maxAttempts attempts per call, the first included
   * @param maxConcurrentPerInstance calls one instance gets at once, 0 for no cap
   * @param ejectAfterFailures failures in a row that eject an instance, 0 when ejection is off
   * @param headers the names of the headers sent with every call (values are not shown: they may be secrets)
   */
  public record ClientGroup(List<String> interfaces, String service, String balancer, String version,
      List<String> tags, long deadlineMillis, int maxAttempts, int maxConcurrentPerInstance, int ejectAfterFailures,
      List<String> headers) {}
}
