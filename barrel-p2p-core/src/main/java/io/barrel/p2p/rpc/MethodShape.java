package io.barrel.p2p.rpc;

/**
 * How a service method hands back its result, read off its declared return type. The server
 * dispatch uses it to wait for the result, and proxies use it to build what the caller gets.
 */
public enum MethodShape {
  /** Returns a value directly; the caller blocks. The value type is the return type ({@code Optional<T>} included). */
  PLAIN(CallMode.UNARY),
  /** Returns {@code CompletableFuture<T>} or {@code CompletionStage<T>}; the value type is {@code T}. */
  FUTURE(CallMode.UNARY),
  /** Returns {@code void}; the caller waits until the server finished and sees its exceptions. */
  VOID(CallMode.UNARY),
  /** Returns {@code void} and is annotated {@link OneWay}: fire and forget. */
  ONE_WAY(CallMode.ONE_WAY),
  /** Returns {@code java.util.concurrent.Flow.Publisher<T>}: a server stream of {@code T}. */
  PUBLISHER(CallMode.SERVER_STREAM),
  /** Returns Reactor's {@code Mono<T>} (Reactor on the classpath): one value, or none, later. */
  MONO(CallMode.UNARY),
  /** Returns Reactor's {@code Flux<T>} (Reactor on the classpath): a server stream of {@code T}. */
  FLUX(CallMode.SERVER_STREAM);

  private final CallMode callMode;

  MethodShape(CallMode callMode) {
    this.callMode = callMode;
  }

  /** How calls of this shape are answered on the wire. */
  public CallMode callMode() {
    return callMode;
  }

  /** True when nothing but completion comes back: the result bytes are empty. */
  public boolean returnsNothing() {
    return this == VOID || this == ONE_WAY;
  }
}
