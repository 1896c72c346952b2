package io.barrel.p2p.rpc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** The service the RPC tests call over real QUIC: one method per call shape and failure. */
public interface Greeter {

  String greet(String name);

  CompletableFuture<String> greetLater(String name);

  void touch(String key);

  @OneWay
  void fire(String key);

  Flow.Publisher<Integer> count(int n);

  /** Sleeps, and remembers whether it was interrupted (cancelled). */
  String slow(long millis);

  String fail(String message) throws GreeterException;

  String failUndeclared(String message);

  byte[] blob(int size);

  int size(byte[] data);

  /** The node that served the call. */
  @Idempotent
  String whoAmI();

  /** The node that served the call; blocks first, not idempotent. */
  String whoAmISlowly(long millis);

  /** Idempotent and slow: retried after a lost connection. */
  @Idempotent
  String whoAmISlowlyIdempotent(long millis);

  /** The caller and the "x-trace" header as the server saw them, or "local". */
  String whoCalls();

  /** A value object, echoed, to check the codec end to end. */
  List<Greeting> echo(List<Greeting> greetings);

  /** A record for codec round trips. */
  record Greeting(String to, int times, byte[] payload) {}

  /** A declared exception, rebuilt on the caller's side. */
  class GreeterException extends Exception {
    public GreeterException(String message) {
      super(message);
    }
  }
}
