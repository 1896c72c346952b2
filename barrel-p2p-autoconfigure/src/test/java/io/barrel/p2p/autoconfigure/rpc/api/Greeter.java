package io.barrel.p2p.autoconfigure.rpc.api;

/** A service interface of the tests. */
public interface Greeter {

  /** A greeting for {@code name}, saying which node made it. */
  String greet(String name);
}
