package io.barrel.p2p.autoconfigure;

import java.time.Duration;

/**
 * Work a stopping node waits for: declare beans of this type and {@link P2pNodeLifecycle} calls each,
 * in order, after this node's services are unregistered (so no new caller picks it) and before it
 * leaves the cluster (while its connections still carry replies). All of them share
 * {@code barrel.p2p.shutdown.drain-timeout}.
 *
 * <p>barrel-p2p's RPC layer drains its in-flight calls through this interface; an application can
 * do the same for its own streams or broadcasts.
 */
@FunctionalInterface
public interface InFlightDrain {

  /**
   * Returns once the work this drain tracks has finished, or when {@code timeout} has passed.
   *
   * @return true when everything finished, false when the timeout cut it short
   * @throws InterruptedException when the stopping thread is interrupted; the node then stops at once
   */
  boolean awaitDrained(Duration timeout) throws InterruptedException;
}
