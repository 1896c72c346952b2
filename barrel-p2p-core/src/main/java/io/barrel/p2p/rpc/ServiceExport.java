package io.barrel.p2p.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An object published under a service interface: the table from method id to method, checked when
 * it is built, and {@link #accept} to serve one request. Pure: the call it hands back decodes the
 * arguments, calls the object, encodes the result or the failure, and hands out frames; carrying
 * them, running the call on a service executor and firing its deadline is the transport layer's job.
 */
public final class ServiceExport {

  private final String service;
  private final Class<?> serviceInterface;
  private final Object implementation;
  private final RpcCodec codec;
  private final RpcLimits limits;
  private final RemoteErrors errors;
  private final Map<MethodId, RpcMethod> methods;

  private ServiceExport(String service, Class<?> serviceInterface, Object implementation, RpcCodec codec,
      RpcLimits limits, Map<MethodId, RpcMethod> methods) {
    this.service = service;
    this.serviceInterface = serviceInterface;
    this.implementation = implementation;
    this.codec = codec;
    this.limits = limits;
    this.errors = new RemoteErrors(limits);
    this.methods = methods;
  }

  /** Exports {@code implementation} under its interface's fully qualified name. */
  public static <T> ServiceExport of(Class<T> serviceInterface, T implementation, RpcCodec codec, RpcLimits limits) {
    return of(Objects.requireNonNull(serviceInterface, "serviceInterface").getName(), serviceInterface,
        implementation, codec, limits);
  }

  /**
   * Exports {@code implementation} under {@code service}.
   *
   * @throws IllegalArgumentException when the interface is not one, the object does not implement
   *     it, the name cannot travel, or a method cannot be called remotely (the message names it and
   *     says why)
   */
  public static <T> ServiceExport of(String service, Class<T> serviceInterface, T implementation, RpcCodec codec,
      RpcLimits limits) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(serviceInterface, "serviceInterface");
    Objects.requireNonNull(implementation, "implementation");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(limits, "limits");
    if (!serviceInterface.isInterface() || serviceInterface.isAnnotation()) {
      throw new IllegalArgumentException(serviceInterface.getName() + " is not an interface; services are"
          + " exported and called through interfaces");
    }
    if (!serviceInterface.isInstance(implementation)) {
      throw new IllegalArgumentException(implementation.getClass().getName() + " does not implement "
          + serviceInterface.getName());
    }
    if (service.isEmpty() || !WireStrings.isWellFormed(service)
        || WireStrings.utf8Length(service) > RpcLimits.MAX_SERVICE_NAME_BYTES) {
      throw new IllegalArgumentException("service name '" + service + "' must be 1.."
          + RpcLimits.MAX_SERVICE_NAME_BYTES + " bytes of UTF-8");
    }
    return new ServiceExport(service, serviceInterface, implementation, codec, limits, table(serviceInterface));
  }

  /** The exported object, for calls from this node itself, which skip the network. */
  Object implementation() {
    return implementation;
  }

  /** The remotely callable methods of {@code serviceInterface} by id, checked, in name order. */
  static Map<MethodId, RpcMethod> table(Class<?> serviceInterface) {
    Map<String, Method> bySignature = new HashMap<>();
    for (Method m : serviceInterface.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.isSynthetic() || m.isBridge() || RpcMethod.isObjectMethod(m)) {
        continue;
      }
      // A sub-interface that narrows a return type lists both declarations; the narrower one wins.
      bySignature.merge(MethodId.signature(m), m,
          (a, b) -> a.getDeclaringClass().isAssignableFrom(b.getDeclaringClass()) ? b : a);
    }
    if (bySignature.isEmpty()) {
      throw new IllegalArgumentException(serviceInterface.getName() + " has no methods to call remotely");
    }
    List<Method> sorted = new ArrayList<>(bySignature.values());
    sorted.sort(Comparator.comparing(MethodId::signature));
    boolean open = Modifier.isPublic(serviceInterface.getModifiers());
    Map<MethodId, RpcMethod> table = new LinkedHashMap<>();
    for (Method m : sorted) {
      RpcMethod rpc = RpcMethod.of(m);
      if (!open && !m.trySetAccessible()) {
        throw new IllegalArgumentException(serviceInterface.getName() + " is not public and its method "
            + m.getName() + " cannot be made accessible; make the interface public");
      }
      RpcMethod clash = table.put(rpc.id(), rpc);
      if (clash != null) {
        throw new IllegalArgumentException("methods " + clash.signature() + " and " + rpc.signature() + " of "
            + serviceInterface.getName() + " have the same id " + rpc.id() + "; rename one");
      }
    }
    return Collections.unmodifiableMap(table);
  }

  /** The name the service is exported under. */
  public String service() {
    return service;
  }

  /** The exported interface. */
  public Class<?> serviceInterface() {
    return serviceInterface;
  }

  /** The callable methods. */
  public Collection<RpcMethod> methods() {
    return methods.values();
  }

  /** The method with this id, if the service has one. */
  public Optional<RpcMethod> method(MethodId id) {
    return Optional.ofNullable(methods.get(id));
  }

  /**
   * Checks a request against the table and hands back its call without running anything: refused
   * at once (unknown service or method, another call mode) or ready to {@link ServerCall#run()}.
   * Cheap, so the layer reading the stream can call it before it hands the call to an executor.
   */
  public ServerCall accept(RpcFrame.Request request, Consumer<? super RpcFrame> replies) {
    Objects.requireNonNull(request, "request");
    RpcMethod rpc = methods.get(request.methodId());
    if (!request.service().equals(service)) {
      return refused(request, replies, FailureKind.UNKNOWN_SERVICE, "this export serves '" + service + "', not '"
          + request.service() + "'");
    }
    if (rpc == null) {
      return refused(request, replies, FailureKind.UNKNOWN_METHOD, "service '" + service + "' has no method with id "
          + request.methodId() + " (the two sides declare different signatures)");
    }
    if (rpc.callMode() != request.mode()) {
      return refused(request, replies, FailureKind.UNKNOWN_METHOD, rpc.describe() + " is served as "
          + rpc.callMode() + ", the request asked for " + request.mode());
    }
    return new ServerCall(request, rpc, implementation, replies, errors, codec, limits);
  }

  /**
   * {@link #accept} then {@link ServerCall#run()} on the calling thread: decodes the arguments,
   * calls the object, and sends the result, the stream or the failure to {@code replies}.
   */
  public ServerCall invoke(RpcFrame.Request request, Consumer<? super RpcFrame> replies) {
    ServerCall call = accept(request, replies);
    call.run();
    return call;
  }

  private ServerCall refused(RpcFrame.Request request, Consumer<? super RpcFrame> replies, FailureKind kind,
      String message) {
    ServerCall call = new ServerCall(request, null, null, replies, errors, codec, limits);
    call.refuse(kind, message);
    return call;
  }

  @Override
  public String toString() {
    return "ServiceExport[" + service + " as " + serviceInterface.getName() + ", " + methods.size() + " methods]";
  }
}
