package io.barrel.p2p.broadcast;

/**
 * Receives the broadcasts of one topic from the rest of the cluster. Called once per broadcast
 * (never for this node's own), off the protocol executor, so it may block briefly but should hand
 * long work elsewhere.
 */
@FunctionalInterface
public interface BroadcastListener {

  /** One broadcast, with its topic, payload, id, origin and hop count. */
  void onBroadcast(PlumtreeEffect.Deliver delivery);
}
