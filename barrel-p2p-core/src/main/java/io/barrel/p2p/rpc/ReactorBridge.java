package io.barrel.p2p.rpc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Supplier;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Converts between Reactor's {@code Mono}/{@code Flux} and the JDK types the RPC layer works with.
 * Reactor is an optional dependency: this class is loaded only for methods declared with Reactor
 * types, which cannot exist unless Reactor is on the classpath.
 */
final class ReactorBridge {

  private ReactorBridge() {}

  /** A service's {@code Mono}, subscribed now; cancelling the future cancels the subscription. */
  static CompletableFuture<Object> toFuture(Object mono) {
    @SuppressWarnings("unchecked")
    Mono<Object> m = (Mono<Object>) mono;
    return m.toFuture();
  }

  /** A service's {@code Flux} as a JDK publisher, demand and cancellation passed through. */
  static Flow.Publisher<Object> toFlowPublisher(Object flux) {
    @SuppressWarnings("unchecked")
    Flux<Object> f = (Flux<Object>) flux;
    return JdkFlowAdapter.publisherToFlowPublisher(f);
  }

  /** A lazy {@code Mono} for a proxy: each subscription makes the call; cancelling cancels it. */
  static Object mono(Supplier<CompletableFuture<Object>> call) {
    return Mono.fromFuture(call, false);
  }

  /** A {@code Flux} for a proxy over a JDK publisher that starts a call per subscriber. */
  static Object flux(Flow.Publisher<Object> publisher) {
    return JdkFlowAdapter.flowPublisherToFlux(publisher);
  }
}
