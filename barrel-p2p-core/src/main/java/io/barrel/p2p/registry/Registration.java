package io.barrel.p2p.registry;

import java.util.concurrent.CompletableFuture;

/**
 * A live registration of this node: what {@link Registry#register} hands back. Closing it
 * unregisters the instance cluster-wide.
 */
public final class Registration implements AutoCloseable {

  private final Registry registry;
  private final ServiceInstance instance;

  Registration(Registry registry, ServiceInstance instance) {
    this.registry = registry;
    this.instance = instance;
  }

  /** The registered instance, as every node sees it. */
  public ServiceInstance instance() {
    return instance;
  }

  /** Unregisters; completes with false when it was already unregistered. */
  public CompletableFuture<Boolean> unregister() {
    return registry.unregister(instance);
  }

  /** Unregisters and waits for the local removal (the broadcast goes on in the background). */
  @Override
  public void close() {
    unregister().join();
  }

  @Override
  public String toString() {
    return "Registration[" + instance.service() + " " + instance.instanceId() + "]";
  }
}
