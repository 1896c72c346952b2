package io.barrel.p2p.rpc;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A service implemented with Reactor on the server side. */
public interface Ticker {

  Flux<Long> ticks(int n);

  Mono<String> name();

  Mono<String> nothing();
}
