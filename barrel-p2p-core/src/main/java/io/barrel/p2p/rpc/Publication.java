package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.Registration;
import io.barrel.p2p.registry.ServiceInstance;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An object published as a service: exported on this node and registered cluster-wide. Closing it
 * unpublishes: the registration goes first, so callers stop choosing this instance, then the
 * export, so calls that still arrive are turned away as "not here" and retried elsewhere.
 */
public final class Publication implements AutoCloseable {

  private final RpcEndpoint endpoint;
  private final ServiceExport export;
  private final Registration registration;
  private final AtomicBoolean open = new AtomicBoolean(true);

  Publication(RpcEndpoint endpoint, ServiceExport export, Registration registration) {
    this.endpoint = endpoint;
    this.export = export;
    this.registration = registration;
  }

  /** The service name. */
  public String service() {
    return export.service();
  }

  /** The interface it is served as. */
  public Class<?> serviceInterface() {
    return export.serviceInterface();
  }

  /** Its registry entry. */
  public ServiceInstance instance() {
    return registration.instance();
  }

  /** True until unpublished. */
  public boolean isPublished() {
    return open.get();
  }

  /** Unregisters, then stops serving; completes once the registry has taken the removal. */
  public CompletableFuture<Void> unpublish() {
    if (!open.compareAndSet(true, false)) {
      return CompletableFuture.completedFuture(null);
    }
    return registration.unregister().handle((removed, error) -> {
      endpoint.unexport(this);
      return null;
    });
  }

  ServiceExport export() {
    return export;
  }

  @Override
  public void close() {
    unpublish().join();
  }

  @Override
  public String toString() {
    return "Publication[" + service() + " as " + serviceInterface().getName() + ", " + instance().instanceId() + "]";
  }
}
