package io.barrel.p2p.examples;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.discovery.DiscoveryConfig;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamListener;
import io.barrel.p2p.transport.TransportConfig;
import io.barrel.p2p.transport.auth.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The README's demo: two nodes on 127.0.0.1 find each other through file discovery, authenticate
 * with Ed25519 over QUIC (pinning each other on first use), and exchange a tagged stream.
 * Data lives under {@code target/demo}; run it twice to see the pins and identities reused.
 */
public final class TwoNodes {

  public static void main(String[] args) throws Exception {
    Path root = Path.of("target", "demo");
    try (P2pNode alice = new P2pNode(config("alice@127.0.0.1", root)).start();
         P2pNode bob = new P2pNode(config("bob@127.0.0.1", root)).start()) {
      bob.registerAcceptor("greeting", stream -> stream.listen(new StreamListener() {
        @Override
        public void onData(AppStream s, byte[] data) {
          String text = new String(data, StandardCharsets.UTF_8);
          System.out.printf("bob   <- %s: %s%n", s.peer(), text);
          s.write(("hello " + s.peer() + ", bob here").getBytes(StandardCharsets.UTF_8));
          s.finish();
        }
      }));
      CompletableFuture<String> reply = new CompletableFuture<>();
      AppStream stream = alice.openStream(bob.name(), "greeting").get(10, TimeUnit.SECONDS);
      stream.listen((s, data) -> reply.complete(new String(data, StandardCharsets.UTF_8)));
      stream.write("hi bob".getBytes(StandardCharsets.UTF_8));
      System.out.printf("alice <- %s: %s%n", bob.name(), reply.get(10, TimeUnit.SECONDS));
      System.out.printf("alice %s listens on %s, connected to %s%n", alice.fingerprint(), alice.listenAddress(),
          alice.connectedPeers());
      System.out.printf("bob   %s listens on %s, connected to %s%n", bob.fingerprint(), bob.listenAddress(),
          bob.connectedPeers());
      System.out.printf("alice pins: %s%n", alice.trustStore().list());
    }
  }

  private static NodeConfig config(String name, Path root) {
    return NodeConfig.builder(name)
        .dataDirectory(root.resolve(name))
        .transport(TransportConfig.defaults().withBind("127.0.0.1", 0))
        .auth(AuthConfig.defaults().withClusterSecret("demo-cluster-secret-change-me-please"))
        .discovery(DiscoveryConfig.defaults().withFileDirectory(root.resolve("discovery")).withDnsEnabled(false))
        .build();
  }

  private TwoNodes() {}
}
