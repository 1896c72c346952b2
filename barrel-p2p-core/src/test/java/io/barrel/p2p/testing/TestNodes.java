package io.barrel.p2p.testing;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.discovery.DiscoveryConfig;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.transport.TransportConfig;
import io.barrel.p2p.transport.auth.AuthConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Starts real nodes on 127.0.0.1 with ephemeral ports, each with its own data directory under one
 * temp directory, all sharing one address book. Closes them all at the end of a test.
 */
public final class TestNodes implements AutoCloseable {

  /** A cluster secret that is not the default, so tests run without the default-secret warning. */
  public static final String SECRET = "test-cluster-secret-0123456789";

  private final Path root;
  private final SharedAddressBook book = new SharedAddressBook();
  private final List<P2pNode> nodes = new ArrayList<>();

  public TestNodes(Path root) {
    this.root = root;
  }

  public SharedAddressBook addressBook() {
    return book;
  }

  /** Default auth for tests: strong secret, defaults otherwise. */
  public static AuthConfig auth() {
    return AuthConfig.defaults().withClusterSecret(SECRET);
  }

  /** Builder preset for node {@code name}: loopback, ephemeral port, short timers. */
  public NodeConfig.Builder config(String name) {
    return NodeConfig.builder(name)
        .dataDirectory(root.resolve(name))
        .transport(TransportConfig.defaults().withBind("127.0.0.1", 0))
        .auth(auth())
        .trustMode(TrustMode.TOFU)
        .discovery(DiscoveryConfig.defaults().withFileDirectory(null).withDnsEnabled(false))
        .customDiscovery(List.of(book));
  }

  /** Starts a node with the preset config. */
  public P2pNode start(String name) {
    return start(name, b -> b);
  }

  /** Starts a node with the preset config adjusted by {@code tweak}. */
  public P2pNode start(String name, UnaryOperator<NodeConfig.Builder> tweak) {
    P2pNode node = new P2pNode(tweak.apply(config(name)).build());
    node.start();
    nodes.add(node);
    return node;
  }

  public Path dataDirectory(String name) {
    return root.resolve(name);
  }

  public static NodeName name(String n) {
    return NodeName.of(n);
  }

  public static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }

  @Override
  public void close() {
    for (P2pNode n : nodes) {
      n.close();
    }
  }
}
