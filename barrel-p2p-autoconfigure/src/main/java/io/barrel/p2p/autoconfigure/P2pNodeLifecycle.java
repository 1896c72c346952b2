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
 *       {@link P2pNode#stop(Duration)}, whose wait for calls still being served gets only what is
 *       left of the drain timeout (and at most {@code barrel.p2p.rpc.drain-timeout}).
 * </ol>
 */
public final class P2pNodeLifecycle implements SmartLifecycle {

  /** The phase of the node: started before, and stopped after, the embedded web server. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(P2pNodeLifecycle.class);

  private final P2pNode node;
  private final Duration unregisterTimeout;
  private final Duration drainTimeout;
  private final Duration rpcDrainTimeout;
  private final List<InFlightDrain> drains;

  /**
   * @param drains called in this order when the node stops
   */
  public P2pNodeLifecycle(P2pNode node, NodeConfig config, Duration drainTimeout, List<InFlightDrain> drains) {
    this.node = node;
    // The same bound P2pNode.stop() gives the unregistration.
    this.unregisterTimeout = config.leaveTimeout().plusSeconds(1);
    this.drainTimeout = drainTimeout;
    this.rpcDrainTimeout = config.rpc().drainTimeout();
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
    Duration drainLeft = Duration.ZERO;
    try {
      unregisterServices();
      drainLeft = drainInFlightWork();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("stopping {} was interrupted; leaving the cluster now", node.name());
    }
    // Leave, then close. The node's own drain gets only what is left of the drain timeout, so the
    // drain stage stays within barrel.p2p.shutdown.drain-timeout in total instead of waiting
    // rpc.drain-timeout a second time for a call that outlived the first wait.
    node.stop(drainLeft.compareTo(rpcDrainTimeout) < 0 ? drainLeft : rpcDrainTimeout);
  }

  private void unregisterServices() throws InterruptedException {
    try {
      node.registry().unregisterAll().get(unregisterTimeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("{}: services unregistered; draining in-flight work before leaving", node.name());
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: unregistering its services did not finish ({}); leaving anyway", node.name(), e.toString());
    }
  }

  /**
   * Runs the drains in order within the drain timeout. Returns what is left of it for the node's
   * own wait, or zero when a drain gave up: the calls it waited for would not end in a second wait.
   */
  private Duration drainInFlightWork() throws InterruptedException {
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    boolean drained = true;
    for (InFlightDrain drain : drains) {
      if (!drain.awaitDrained(left(deadline))) {
        drained = false;
        log.warn("{}: {} still had work in flight after barrel.p2p.shutdown.drain-timeout ({}); leaving anyway",
            node.name(), drain, drainTimeout);
      }
    }
    return drained ? left(deadline) : Duration.ZERO;
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
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
