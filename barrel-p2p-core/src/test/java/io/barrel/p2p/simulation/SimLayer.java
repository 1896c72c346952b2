package io.barrel.p2p.simulation;

import io.barrel.p2p.broadcast.PlumtreeEffect;

/**
 * A protocol layer above Plumtree in a simulation (the service registry): the simulator tells it of
 * every broadcast a node delivers and of every change of a node's active view, as a node's driver
 * tells its layers. The layer keeps its own timers and messages (see {@link RegistryLayer}).
 */
interface SimLayer {

  /** No layer. */
  SimLayer NONE = new SimLayer() {
    @Override
    public void delivered(SimNode node, PlumtreeEffect.Deliver deliver) {}

    @Override
    public void neighbour(SimNode node, SimNode peer, boolean up) {}
  };

  /** {@code node}'s Plumtree delivered a broadcast (each message once, never the node's own). */
  void delivered(SimNode node, PlumtreeEffect.Deliver deliver);

  /** {@code peer} joined ({@code up}) or left {@code node}'s active view. */
  void neighbour(SimNode node, SimNode peer, boolean up);
}
