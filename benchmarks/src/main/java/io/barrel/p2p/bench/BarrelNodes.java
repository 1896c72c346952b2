package io.barrel.p2p.bench;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.testing.TestNodes;
import io.barrel.p2p.transport.TransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Real barrel-p2p nodes on 127.0.0.1 for a benchmark, started with the test harness (one shared
 * in-memory address book, TOFU trust, a strong cluster secret) in a temp directory that is deleted
 * at the end.
 */
final class BarrelNodes implements AutoCloseable {

  private final Path root;
  private final TestNodes nodes;

  BarrelNodes() {
    try {
      root = Files.createTempDirectory("barrel-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    nodes = new TestNodes(root);
  }

  P2pNode start(String name, TransportConfig transport) {
    return nodes.start(name + "@127.0.0.1", b -> b.transport(transport));
  }

  P2pNode start(String name, java.util.function.UnaryOperator<io.barrel.p2p.NodeConfig.Builder> tweak) {
    return nodes.start(name + "@127.0.0.1", tweak);
  }

  P2pNode start(String name, TransportConfig transport, Metrics metrics) {
    return nodes.start(name + "@127.0.0.1", b -> b.transport(transport).metrics(metrics));
  }

  /**
   * Closes {@code a}'s connection to {@code b} and waits until neither node holds a QUIC
   * connection any more, so the next connect is a fresh one. Returns how long that took.
   */
  static long disconnectAndWait(P2pNode a, P2pNode b) {
    long t0 = System.nanoTime();
    a.transport().disconnect(b.name());
    await(() -> a.transport().openQuicConnections() == 0 && b.transport().openQuicConnections() == 0,
        "connection " + a.name() + " -> " + b.name() + " to close");
    return System.nanoTime() - t0;
  }

  /** Polls {@code condition} every 20 µs for up to 10 s. */
  static void await(BooleanSupplier condition, String what) {
    await(condition, what, java.time.Duration.ofSeconds(10));
  }

  /** Polls {@code condition} every 20 µs for up to {@code timeout}. */
  static void await(BooleanSupplier condition, String what, java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      LockSupport.parkNanos(20_000);
    }
  }

  @Override
  public void close() {
    nodes.close();
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
