package io.barrel.p2p.testing;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.discovery.Discovery;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** A custom discovery backend shared by the nodes of one test: nodes register, peers look up. */
public final class SharedAddressBook implements Discovery {

  private final Map<NodeName, InetSocketAddress> addresses = new ConcurrentHashMap<>();

  @Override
  public Optional<InetSocketAddress> lookup(NodeName node) {
    return Optional.ofNullable(addresses.get(node));
  }

  @Override
  public boolean answersFromMemory() {
    return true;
  }

  @Override
  public boolean supportsRegister() {
    return true;
  }

  @Override
  public void register(NodeName self, InetSocketAddress address) {
    addresses.put(self, address);
  }

  @Override
  public void unregister(NodeName self) {
    addresses.remove(self);
  }

  /** Points {@code node} somewhere else (a relay, a dead port). */
  public void override(NodeName node, InetSocketAddress address) {
    addresses.put(node, address);
  }

  @Override
  public Set<NodeName> list() {
    return new TreeSet<>(addresses.keySet());
  }

  @Override
  public String name() {
    return "test-address-book";
  }
}
