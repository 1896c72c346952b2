package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.registry.ServiceInstance;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * What a {@link LoadBalancer} may look at for one call: the service, the method and its arguments,
 * the calling node, and how many calls are in flight on each instance.
 *
 * @param service the service name
 * @param method the interface method called
 * @param arguments the call's arguments as the proxy received them (not copied: balancers must not
 *     change them); null, as a JDK proxy passes for a method without parameters, becomes an empty array
 * @param localNode the calling node: an instance there is served without touching the network
 * @param outstanding calls in flight on an instance from this client
 */
public record CallContext(String service, Method method, Object[] arguments, NodeName localNode,
    ToIntFunction<ServiceInstance> outstanding) {

  private static final Object[] NO_ARGUMENTS = new Object[0];

  /** Checks the fields; a null argument array becomes an empty one. */
  public CallContext {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(method, "method");
    arguments = arguments == null ? NO_ARGUMENTS : arguments;
    Objects.requireNonNull(localNode, "localNode");
    Objects.requireNonNull(outstanding, "outstanding");
  }

  /** Calls in flight on {@code instance}. */
  public int outstandingOn(ServiceInstance instance) {
    return outstanding.applyAsInt(instance);
  }

  /** Whether {@code instance} runs on the calling node. */
  public boolean isLocal(ServiceInstance instance) {
    return instance.node().equals(localNode);
  }
}
