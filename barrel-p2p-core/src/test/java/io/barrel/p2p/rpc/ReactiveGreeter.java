package io.barrel.p2p.rpc;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The caller's Reactor view of some {@link Greeter} methods (same signatures, same ids). */
public interface ReactiveGreeter {

  Mono<String> greet(String name);

  Flux<Integer> count(int n);

  Mono<String> fail(String message);
}
