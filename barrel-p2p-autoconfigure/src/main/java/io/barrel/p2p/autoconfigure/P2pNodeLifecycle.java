package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link P2pNode} with the application context and stops it gracefully with it.
 *
 * <p>Phase {@link #PHASE}: below the embedded web server's (graceful shutdown at
 * {@code DEFAULT_PHASE - 1024}, start/stop at {@code DEFAULT_PHASE - 2048}), so the node is up
 * before the server accepts requests and stays up while {@code server.shutdown=graceful} lets the
 * requests in flight finish, some of which may still need the cluster.
 *
 * <p>Stop, in this order:
 * <ol>
 *   <li>unregister this node's services, so other nodes stop choosing it;
 *   <li>wait for in-flight work: every {@link InFlightDrain} bean, within
 *       {@code barrel.p2p.shutdown.drain-timeout};
 *   <li>leave the cluster (neighbours report this node down as graceful, not failed) and close:
 *       {@link P2pNode#stop()}.
 * </ol>
 */
public final class P2pNodeLifecycle implements SmartLifecycle {

  /** The phase of the node: started before, and stopped after, the embedded web server. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(P2pNodeLifecycle.class);

  private final P2pNode node;
  private final Duration unregisterTimeout;
  private final Duration drainTimeout;
  private final List<InFlightDrain> drains;

  /**
   * @param drains called in this order when the node stops
   */
  public P2pNodeLifecycle(P2pNode node, NodeConfig config, Duration drainTimeout, List<InFlightDrain> drains) {
    this.node = node;
    // The same bound P2pNode.stop() gives the unregistration.
    this.unregisterTimeout = config.leaveTimeout().plusSeconds(1);
    this.drainTimeout = drainTimeout;
    this.drains = List.copyOf(drains);
  }

  @Override
  public void start() {
    if (!node.isRunning()) {
      node.start();
    }
  }

  @Override
  public void stop() {
    if (!node.isRunning()) {
      return;
    }
    try {
      unregisterServices();
      drainInFlightWork();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("stopping {} was interrupted; leaving the cluster now", node.name());
    }
    node.stop(); // leave, then close
  }

  private void unregisterServices() throws InterruptedException {
    try {
      node.registry().unregisterAll().get(unregisterTimeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("{}: services unregistered; draining in-flight work before leaving", node.name());
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: unregistering its services did not finish ({}); leaving anyway", node.name(), e.toString());
    }
  }

  private void drainInFlightWork() throws InterruptedException {
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    for (InFlightDrain drain : drains) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      if (!drain.awaitDrained(left)) {
        log.warn("{}: {} still had work in flight after barrel.p2p.shutdown.drain-timeout ({}); leaving anyway",
            node.name(), drain, drainTimeout);
      }
    }
  }

  @Override
  public boolean isRunning() {
    return node.isRunning();
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
