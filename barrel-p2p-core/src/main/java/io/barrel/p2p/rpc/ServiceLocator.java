package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceFilter;
import io.barrel.p2p.registry.ServiceInstance;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Finds services in the cluster and makes proxies for them. A proxy looks up live instances in the
 * node's copy of the registry on every call, so it follows instances as they come and go; it is
 * cheap to keep and safe to share between threads.
 */
public interface ServiceLocator {

  /** A proxy for {@code serviceInterface}, served under its fully qualified name, with the node's default options. */
  <T> T proxy(Class<T> serviceInterface);

  /** A proxy with its own options: service name, load balancer, filters, deadline, retries. */
  <T> T proxy(Class<T> serviceInterface, CallOptions options);

  /** A live instance of {@code service}: one on this node first, else a remote one. */
  CompletableFuture<Optional<ServiceInstance>> whereis(String service);

  /** The live instances of {@code service} this node knows of. */
  List<ServiceInstance> instances(String service);

  /** Registry events for the services {@code filter} matches; close the handle to stop. */
  AutoCloseable subscribe(ServiceFilter filter, Consumer<ServiceEvent> listener);
}
