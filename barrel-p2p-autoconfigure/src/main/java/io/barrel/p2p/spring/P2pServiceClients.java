package io.barrel.p2p.spring;

import io.barrel.p2p.rpc.CallOptions;
import java.util.Map;
import java.util.Set;

/**
 * The proxies of the interfaces declared with {@link ImportP2pServices}, by group, and each group's
 * call options. The starter provides it; the proxy beans come from here.
 */
public interface P2pServiceClients {

  /** The group of interfaces declared without one. */
  String DEFAULT_GROUP = "default";

  /**
   * The proxy for {@code serviceInterface} in {@code group}: the same object for the same pair.
   *
   * @throws IllegalArgumentException when the interface cannot be called remotely
   */
  <T> T client(String group, Class<T> serviceInterface);

  /** The options the proxies of {@code group} call with: its settings over the call defaults. */
  CallOptions options(String group);

  /** The declared interfaces by group name (each group's settings apply to its interfaces). */
  Map<String, Set<Class<?>>> groups();
}
