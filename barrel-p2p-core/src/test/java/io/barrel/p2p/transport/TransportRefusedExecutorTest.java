package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.identity.TrustStore;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import io.barrel.p2p.tls.TlsMaterialStore;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transport whose I/O executor refuses work (full, or shut down while the node stops): what waits
 * on the refused task must end with a clear error, and nothing may stay wedged behind it.
 */
class TransportRefusedExecutorTest {

  @TempDir
  Path dir;

  private final AtomicBoolean refuse = new AtomicBoolean(true);
  private final ExecutorService io = Executors.newSingleThreadExecutor();
  private final List<Transport> transports = new ArrayList<>();

  @AfterEach
  void close() {
    transports.forEach(Transport::close);
    io.shutdownNow();
  }

  /** A started transport for {@code name}, its trust pins in {@code trust}, blocking work on {@code ioExecutor}. */
  private Transport start(String name, TrustStore trust, Executor ioExecutor, RecordingMetrics metrics) {
    NodeName node = NodeName.of(name);
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    Transport t = new Transport(TransportConfig.defaults().withBind("127.0.0.1", 0), new NodeIdentity(node, seed),
        new TlsMaterialStore(dir.resolve(name).resolve("tls")).loadOrCreate(node), TestNodes.auth(), trust,
        peer -> Optional.empty(), metrics, ioExecutor, Runnable::run, System.currentTimeMillis());
    transports.add(t);
    t.start();
    return t;
  }

  @Test
  void aLookupTheIoExecutorRefusesFailsEverySendWaitingOnItAndTheNextSendLooksUpAgain() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    Executor gate = task -> {
      if (refuse.get()) {
        throw new RejectedExecutionException("full");
      }
      io.execute(task);
    };
    Transport transport = start("self@127.0.0.1", new TrustStore(dir.resolve("trusted"), TrustMode.TOFU), gate,
        metrics);
    NodeName ghost = NodeName.of("ghost@127.0.0.1");

    CompletableFuture<Void> first = transport.sendControl(ghost, 3, new byte[] {1});
    assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(PeerUnreachableException.class).hasMessageContaining("refused");
    CompletableFuture<Void> second = transport.sendControl(ghost, 3, new byte[] {2});
    assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(PeerUnreachableException.class).hasMessageContaining("refused");
    assertThat(metrics.count(MeterName.DIALS, "fail")).isEqualTo(2);

    // Once the executor takes work again, the next send makes a lookup of its own.
    refuse.set(false);
    CompletableFuture<Void> third = transport.sendControl(ghost, 3, new byte[] {3});
    assertThatThrownBy(() -> third.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(PeerUnreachableException.class).hasMessageContaining("no address known");
  }

  @Test
  void aKeyThatCannotBePinnedBecauseTheIoExecutorRefusesClosesTheConnectionInsteadOfTrustingItUnpinned() {
    Executor refusing = task -> {
      throw new RejectedExecutionException("full");
    };
    TrustStore serverTrust = new TrustStore(dir.resolve("server-trusted"), TrustMode.TOFU);
    RecordingMetrics serverMetrics = new RecordingMetrics();
    Transport server = start("server@127.0.0.1", serverTrust, refusing, serverMetrics);
    Transport client = start("client@127.0.0.1", new TrustStore(dir.resolve("client-trusted"), TrustMode.TOFU), io,
        new RecordingMetrics());
    NodeName serverName = NodeName.of("server@127.0.0.1");
    NodeName clientName = NodeName.of("client@127.0.0.1");

    client.connect(serverName, server.boundAddress()).handle((v, e) -> null).join();
    await().atMost(Duration.ofSeconds(10)).until(() -> !server.connectedPeers().contains(clientName)
        && !client.connectedPeers().contains(serverName));
    assertThat(serverTrust.lookup(clientName)).as("TOFU never admits a key it did not pin").isEmpty();
    assertThat(serverMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "fail", "internal")).isEqualTo(1);
    assertThat(serverMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "ok", "ok")).isZero();
  }
}
