package io.barrel.p2p.autoconfigure.rpc;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.InFlightDrain;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.core.Ordered;

/**
 * The RPC part of a graceful stop, first among the {@link InFlightDrain}s: waits for the calls this
 * node is serving (new ones are turned away as overloaded, so their callers retry on another node),
 * then for the calls it has made to others, within the stop's time left and at most
 * {@code barrel.p2p.rpc.drain-timeout}.
 */
public final class RpcCallDrain implements InFlightDrain, Ordered {

  /** How often the calls this node made are counted while waiting for them; none notifies their end. */
  private static final long OUTBOUND_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final P2pNode node;
  private final Duration rpcDrainTimeout;

  /**
   * @param rpcDrainTimeout {@code barrel.p2p.rpc.drain-timeout}, the most this drain waits
   */
  public RpcCallDrain(P2pNode node, Duration rpcDrainTimeout) {
    this.node = node;
    this.rpcDrainTimeout = rpcDrainTimeout;
  }

  @Override
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    if (!node.isRunning()) {
      return true;
    }
    Duration limit = timeout.compareTo(rpcDrainTimeout) < 0 ? timeout : rpcDrainTimeout;
    long deadline = System.nanoTime() + limit.toNanos();
    boolean served = node.rpc().drain(limit);
    while (node.rpc().callsInFlight() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, OUTBOUND_POLL_NANOS));
    }
    return served;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public String toString() {
    return "RPC calls in flight";
  }
}
