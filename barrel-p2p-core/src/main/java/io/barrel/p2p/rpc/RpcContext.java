package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a service method can know about the remote call it is serving: the calling node (the
 * connection's authenticated peer, never a name taken from the request) and the request's headers
 * (trace context such as W3C {@code traceparent}, user metadata). Available through
 * {@link #current()} on the thread that runs the method, for the duration of the method; a method
 * called in-process from its own node sees none.
 *
 * @param caller the node that made the call
 * @param service the service called
 * @param method the method's name
 * @param headers the request's headers, in order, unmodifiable
 */
public record RpcContext(NodeName caller, String service, String method, Map<String, String> headers) {

  private static final ThreadLocal<RpcContext> CURRENT = new ThreadLocal<>();

  /** Checks the fields. */
  public RpcContext {
    Objects.requireNonNull(caller, "caller");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(method, "method");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The remote call this thread is serving, if any. */
  public static Optional<RpcContext> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Runs {@code body} with this context as the current one, restoring the previous one after. */
  void run(Runnable body) {
    RpcContext before = CURRENT.get();
    CURRENT.set(this);
    try {
      body.run();
    } finally {
      if (before == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(before);
      }
    }
  }
}
