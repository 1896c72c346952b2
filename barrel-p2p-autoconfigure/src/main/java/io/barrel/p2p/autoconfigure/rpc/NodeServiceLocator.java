package io.barrel.p2p.autoconfigure.rpc;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceFilter;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.RpcMethod;
import io.barrel.p2p.rpc.ServiceLocator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@link ServiceLocator} bean: the node's {@link P2pNode#services()}, usable as soon as the bean
 * exists. Proxies can be made before the node starts (they reach it at their first call, as the node
 * runs by then); lookups and subscriptions need the running node and say so otherwise. An interface
 * with a method that cannot be called remotely is refused when its proxy is made.
 */
public final class NodeServiceLocator implements ServiceLocator {

  private final P2pNode node;
  private final CallOptions defaults;

  /**
   * @param defaults the options of {@link #proxy(Class)}: the node's call defaults
   */
  public NodeServiceLocator(P2pNode node, CallOptions defaults) {
    this.node = Objects.requireNonNull(node, "node");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
  }

  @Override
  public <T> T proxy(Class<T> serviceInterface) {
    return proxy(serviceInterface, defaults);
  }

  @Override
  public <T> T proxy(Class<T> serviceInterface, CallOptions options) {
    Objects.requireNonNull(serviceInterface, "serviceInterface");
    Objects.requireNonNull(options, "options");
    if (!serviceInterface.isInterface() || serviceInterface.isAnnotation()) {
      throw new IllegalArgumentException(serviceInterface.getName() + " is not an interface; proxies implement"
          + " service interfaces");
    }
    RpcMethod.ofInterface(serviceInterface); // refuses what cannot be called remotely now, not at the first call
    String service = options.service() != null ? options.service() : serviceInterface.getName();
    return DeferredServiceProxy.create(serviceInterface, () -> node.services().proxy(serviceInterface, options),
        "barrel-p2p proxy of " + service + " (" + serviceInterface.getName() + ") on " + node.name());
  }

  @Override
  public CompletableFuture<Optional<ServiceInstance>> whereis(String service) {
    return node.services().whereis(service);
  }

  @Override
  public List<ServiceInstance> instances(String service) {
    return node.services().instances(service);
  }

  @Override
  public AutoCloseable subscribe(ServiceFilter filter, Consumer<ServiceEvent> listener) {
    return node.services().subscribe(filter, listener);
  }

  @Override
  public String toString() {
    return "ServiceLocator of " + node.name();
  }
}
