package io.barrel.p2p.autoconfigure.health;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.Addresses;
import java.util.Set;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the node, named {@code p2p}; meant for the readiness group
 * ({@code management.endpoint.health.group.readiness.include=readinessState,p2p}).
 *
 * <ul>
 *   <li>DOWN: the node is not running (not started yet, stopped, or its socket could not be bound);
 *   <li>OUT_OF_SERVICE: running, but it has no neighbour yet (it is joining, or waiting for others to
 *       join it), or it has neighbours but the registry has not completed its first anti-entropy
 *       exchange with one of them, so lookups could still miss services;
 *   <li>UP: joined and synced, or running at all when {@code barrel.p2p.single-node=true}.
 * </ul>
 * Details: node, fingerprint, addresses, active and passive view sizes, connections, joined, synced.
 */
public final class P2pHealthIndicator implements HealthIndicator {

  private final P2pNode node;
  private final boolean singleNode;

  /**
   * @param singleNode the node runs alone on purpose and needs no neighbour to be UP
   */
  public P2pHealthIndicator(P2pNode node, boolean singleNode) {
    this.node = node;
    this.singleNode = singleNode;
  }

  @Override
  public Health health() {
    if (!node.isRunning()) {
      return Health.down().withDetail("node", node.name().toString())
          .withDetail("reason", "the node is not running").build();
    }
    Set<?> active = node.membership().activeView();
    boolean joined = !active.isEmpty();
    boolean synced = node.registry().synced();
    Health.Builder health = Health.unknown()
        .withDetail("node", node.name().toString())
        .withDetail("fingerprint", node.fingerprint().hex())
        .withDetail("listenAddress", Addresses.format(node.listenAddress()))
        .withDetail("advertisedAddress", Addresses.format(node.advertisedAddress()))
        .withDetail("activeView", active.size())
        .withDetail("passiveView", node.membership().passiveView().size())
        .withDetail("connections", node.connections().size())
        .withDetail("joined", joined)
        .withDetail("registrySynced", synced)
        .withDetail("singleNode", singleNode);
    if (singleNode) {
      return health.up().build();
    }
    if (!joined) {
      return health.outOfService().withDetail("reason", "no neighbour yet: joining through barrel.p2p.contact-nodes,"
          + " or waiting for other nodes to join this one (set barrel.p2p.single-node=true for a node that runs"
          + " alone)").build();
    }
    if (!synced) {
      return health.outOfService().withDetail("reason", "joined; the service registry has not synced with a"
          + " neighbour yet").build();
    }
    return health.up().build();
  }
}
