package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.testing.NarrowPath;
import io.barrel.p2p.testing.TestNodes;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path MTU discovery over real QUIC on 127.0.0.1: connections grow their datagrams to what the path
 * carries, never beyond it, and lose nothing while they search; without discovery the configured
 * size holds from the start.
 */
class PathMtuOverQuicTest {

  @TempDir Path dir;
  TestNodes nodes;

  @BeforeEach
  void setUp() {
    nodes = new TestNodes(dir);
  }

  @AfterEach
  void tearDown() {
    nodes.close();
  }

  @Test
  void byDefaultAConnectionSearchesUpToSixteenThousandBytesAndLoopbackCarriesThem() throws Exception {
    assertThat(TransportConfig.defaults().pathMtuDiscovery()).isTrue();
    assertThat(TransportConfig.defaults().datagramCeiling()).isEqualTo(16_000);
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");

    byte[] sent = transfer(a, b, 2 * 1024 * 1024);

    assertThat(sent).isEqualTo(receivedBy(b));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(datagramSize(a, b)).isEqualTo(16_000));
  }

  @Test
  void aPathThatSilentlyDropsLargeDatagramsIsMeasuredAndNothingSentIsLost() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    // An Ethernet path (1500-byte MTU, IPv4): 1472 bytes of UDP payload, larger ones vanish.
    try (NarrowPath path = new NarrowPath(b.listenAddress(), 1472)) {
      a.transport().connect(b.name(), path.address()).get(10, TimeUnit.SECONDS);

      // Traffic until the search has settled: probes ride along with what the connection sends.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        byte[] sent = transfer(a, b, 512 * 1024);
        assertThat(receivedBy(b)).isEqualTo(sent);
        assertThat(datagramSize(a, b)).isGreaterThan(1400);
      });

      assertThat(datagramSize(a, b)).as("never above what the path carries").isLessThanOrEqualTo(1472);
      assertThat(path.dropped()).as("the probes above the limit were sent and dropped").isPositive();
      assertThat(path.largestPassed()).isEqualTo(datagramSize(a, b));
    }
  }

  @Test
  void withoutDiscoveryTheConfiguredSizeIsUsedFromTheStart() throws Exception {
    UnaryOperator<io.barrel.p2p.NodeConfig.Builder> fixed = c -> c.transport(
        TransportConfig.defaults().withBind("127.0.0.1", 0).withPathMtuDiscovery(false));
    P2pNode a = nodes.start("a@127.0.0.1", fixed);
    P2pNode b = nodes.start("b@127.0.0.1", fixed);
    assertThat(a.transport().config().datagramCeiling()).isEqualTo(1350);

    byte[] sent = transfer(a, b, 1024 * 1024);

    assertThat(receivedBy(b)).isEqualTo(sent);
    assertThat(datagramSize(a, b)).isEqualTo(1350);
  }

  private final java.util.Map<P2pNode, ByteArrayOutputStream> sinks = new java.util.concurrent.ConcurrentHashMap<>();

  /** Sends {@code size} random bytes from a to b on a fresh stream; returns them once b has them all. */
  private byte[] transfer(P2pNode a, P2pNode b, int size) throws Exception {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    sinks.put(b, received);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    b.transport().unregisterAcceptor("sink");
    b.registerAcceptor("sink", stream -> stream.listen(new StreamListener() {
      @Override
      public void onData(AppStream s, byte[] data) {
        received.writeBytes(data); // one call at a time, in order; onEnd comes last
      }

      @Override
      public void onEnd(AppStream s) {
        ended.complete(null);
      }
    }));
    byte[] payload = new byte[size];
    new SecureRandom().nextBytes(payload);
    AppStream stream = a.openStream(b.name(), "sink").get(10, TimeUnit.SECONDS);
    stream.write(payload).get(20, TimeUnit.SECONDS);
    stream.finish();
    ended.get(20, TimeUnit.SECONDS);
    return payload;
  }

  private byte[] receivedBy(P2pNode b) {
    return sinks.get(b).toByteArray();
  }

  /** The largest datagram a's connection to b sends now, as QUIC's path statistics report it. */
  private static long datagramSize(P2pNode a, P2pNode b) throws Exception {
    PeerConnection connection = a.transport().connection(b.name()).get(10, TimeUnit.SECONDS);
    return connection.channel().collectPathStats(0).get(5, TimeUnit.SECONDS).pmtu();
  }
}
