package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.identity.TrustStore;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import io.barrel.p2p.tls.TlsMaterialStore;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a transport whose event loop is stuck: close() must return within its bound instead of
 * hanging the node's halt() or stop(), and the socket is released once the loop comes back.
 */
class TransportCloseTest {

  @TempDir
  Path dir;

  @Test
  void closeReturnsWithinItsBoundWhenTheEventLoopIsStuckAndTheSocketIsFreedOnceTheLoopComesBack() throws Exception {
    NodeName node = NodeName.of("stuck@127.0.0.1");
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    Transport transport = new Transport(TransportConfig.defaults().withBind("127.0.0.1", 0),
        new NodeIdentity(node, seed), new TlsMaterialStore(dir.resolve("tls")).loadOrCreate(node), TestNodes.auth(),
        new TrustStore(dir.resolve("trusted"), TrustMode.TOFU), peer -> Optional.empty(), new RecordingMetrics(),
        Runnable::run, Runnable::run, System.currentTimeMillis());
    int port = transport.start().getPort();

    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    transport.endpoint().eventLoop().execute(() -> {
      entered.countDown();
      // Deaf to interrupts, as a handler spinning in native code would be.
      while (stuck.getCount() > 0) {
        try {
          stuck.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
          // keep holding the loop
        }
      }
    });
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    try {
      CompletableFuture<Void> closing = CompletableFuture.runAsync(transport::close);
      await().atMost(Duration.ofSeconds(15)).until(closing::isDone);
      assertThat(closing).isCompleted();
      assertThat(portFree(port)).as("the stuck loop still holds the socket").isFalse();
    } finally {
      stuck.countDown();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> portFree(port));
  }

  private static boolean portFree(int port) {
    try (DatagramSocket probe = new DatagramSocket(port, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (SocketException e) {
      return false;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
