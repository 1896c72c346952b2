package io.barrel.p2p.rpc;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The services one node exports, by name: where an incoming request finds its
 * {@link ServiceExport}, or learns that this node does not export the service. Thread-safe.
 */
public final class ExportedServices {

  private final Map<String, ServiceExport> exports = new ConcurrentHashMap<>();
  private final RemoteErrors errors;
  private final RpcLimits limits;

  /** An empty table whose own failures fit {@code limits}. */
  public ExportedServices(RpcLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.errors = new RemoteErrors(limits);
  }

  /**
   * Adds an export.
   *
   * @throws IllegalStateException when a service of that name is already exported
   */
  public void add(ServiceExport export) {
    Objects.requireNonNull(export, "export");
    ServiceExport before = exports.putIfAbsent(export.service(), export);
    if (before != null) {
      throw new IllegalStateException("service '" + export.service() + "' is already exported by "
          + before.serviceInterface().getName() + "; unexport it first or choose another name");
    }
  }

  /** Removes the export of {@code service}; calls already running finish. */
  public Optional<ServiceExport> remove(String service) {
    return Optional.ofNullable(exports.remove(service));
  }

  /** The export of {@code service}, if any. */
  public Optional<ServiceExport> find(String service) {
    return Optional.ofNullable(exports.get(service));
  }

  /** The names exported now. */
  public Set<String> names() {
    return Set.copyOf(exports.keySet());
  }

  /**
   * Accepts a request with the export it names (see {@link ServiceExport#accept}), or answers
   * {@link FailureKind#UNKNOWN_SERVICE} when there is none (so the caller may try another
   * instance: the method did not run).
   */
  public ServerCall accept(RpcFrame.Request request, Consumer<? super RpcFrame> replies) {
    ServiceExport export = exports.get(request.service());
    if (export != null) {
      return export.accept(request, replies);
    }
    ServerCall call = new ServerCall(request, null, null, replies, errors, null, limits);
    call.refuse(FailureKind.UNKNOWN_SERVICE, "service '" + request.service() + "' is not exported here");
    return call;
  }
}
