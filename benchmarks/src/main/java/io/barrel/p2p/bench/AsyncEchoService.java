package io.barrel.p2p.bench;

import java.util.concurrent.CompletableFuture;

/**
 * The caller's asynchronous view of {@link EchoService#echo} (same name and parameters, so the
 * same method id): proxied under {@code EchoService}'s service name for calls kept in flight
 * without a thread each.
 */
public interface AsyncEchoService {

  /** Completes with {@code payload}. */
  CompletableFuture<byte[]> echo(byte[] payload);
}
