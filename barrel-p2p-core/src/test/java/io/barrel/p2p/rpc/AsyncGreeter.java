package io.barrel.p2p.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * The caller's view of some {@link Greeter} methods as futures: the same signatures, so the same
 * method ids; how the result comes back is each side's own choice.
 */
public interface AsyncGreeter {

  CompletableFuture<String> slow(long millis);

  CompletableFuture<String> greet(String name);
}
