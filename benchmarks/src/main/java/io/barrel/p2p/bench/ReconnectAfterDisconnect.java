package io.barrel.p2p.bench;

import io.barrel.p2p.P2pNode;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Not a benchmark: reproduces what the connect benchmark had to work around. Right after {@code
 * disconnect(peer)} the closing connection still counts as established until QUIC has drained, so
 * {@code connect(peer)} completes at once without dialing and {@code openStream(peer, tag)} fails.
 * Prints one line per attempt.
 */
public final class ReconnectAfterDisconnect {

  private ReconnectAfterDisconnect() {}

  public static void main(String[] argv) throws Exception {
    int attempts = new Args(argv, "attempts").integer("attempts", 5);
    try (BarrelNodes nodes = new BarrelNodes()) {
      P2pNode a = nodes.start("a", Knobs.base());
      P2pNode b = nodes.start("b", Knobs.base());
      b.registerAcceptor("t", s -> s.listen((st, d) -> { }));
      for (int i = 0; i < attempts; i++) {
        a.connect(b.name()).get(10, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        a.transport().disconnect(b.name());
        CompletableFuture<Void> again = a.connect(b.name());
        boolean doneAtOnce = again.isDone() && !again.isCompletedExceptionally();
        String stream;
        try {
          a.openStream(b.name(), "t").get(5, TimeUnit.SECONDS);
          stream = "openStream ok";
        } catch (java.util.concurrent.ExecutionException e) {
          stream = "openStream failed: " + e.getCause();
        }
        BarrelNodes.await(() -> a.transport().openQuicConnections() == 0 && !a.connectedPeers().contains(b.name()),
            "the old connection to go");
        System.out.printf(Locale.ROOT,
            "connect() right after disconnect() completed at once: %s; %s; old connection listed for %.2f ms more;"
                + " connected peers now %s%n", doneAtOnce, stream, (System.nanoTime() - t0) / 1e6, a.connectedPeers());
        BarrelNodes.disconnectAndWait(a, b);
      }
    }
  }
}
