package io.barrel.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.identity.Fingerprint;
import io.barrel.p2p.identity.IdentityException;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.testing.TestNodes;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails part way leaves nothing behind: no discovery entry, no bound socket. */
class P2pNodeStartTest {

  @TempDir
  Path dir;

  private TestNodes nodes;

  @AfterEach
  void close() {
    if (nodes != null) {
      nodes.close();
    }
  }

  /** Metrics whose registry refuses one meter, as a misconfigured meter registry would. */
  private static Metrics refusing(MeterName refused) {
    return new Metrics() {
      @Override
      public void add(MeterName meter, long amount, String... tagValues) {}

      @Override
      public void record(MeterName meter, Duration duration, String... tagValues) {}

      @Override
      public void gauge(MeterName meter, Supplier<Number> value, String... tagValues) {
        if (meter == refused) {
          throw new IllegalStateException("the meter registry refused " + meter);
        }
      }
    };
  }

  @Test
  void aStartThatFailsAfterRegisteringInDiscoveryWithdrawsTheEntryAndReleasesThePort() throws Exception {
    nodes = new TestNodes(dir);
    NodeName name = NodeName.of("a@127.0.0.1");
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    P2pNode node = new P2pNode(nodes.config(name.toString())
        .transport(io.barrel.p2p.transport.TransportConfig.defaults().withBind("127.0.0.1", port))
        .metrics(refusing(MeterName.MEMBERSHIP_VIEW_SIZE)).build());

    assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refused " + MeterName.MEMBERSHIP_VIEW_SIZE);

    assertThat(node.isRunning()).isFalse();
    assertThat(nodes.addressBook().lookup(name)).as("peers must not be sent to a node that never started").isEmpty();
    try (DatagramSocket rebind = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
      assertThat(rebind.getLocalPort()).isEqualTo(port);
    }
    // The same data directory starts cleanly afterwards.
    P2pNode again = nodes.start(name.toString());
    assertThat(nodes.addressBook().lookup(name)).contains(again.advertisedAddress());
  }

  @Test
  void aSecondNodeOnARunningNodesDataDirectoryIsRefusedAndTheDirectoryIsFreeOnceTheFirstHalts() {
    nodes = new TestNodes(dir);
    P2pNode first = nodes.start("a@127.0.0.1");
    long lifeBefore = first.transport().incarnation();
    Fingerprint identity = first.fingerprint();
    P2pNode second = new P2pNode(nodes.config("a@127.0.0.1").build());

    assertThatThrownBy(second::start).isInstanceOf(IdentityException.class)
        .hasMessageContaining(nodes.dataDirectory("a@127.0.0.1") + " is in use by another running node")
        .hasMessageContaining("process " + ProcessHandle.current().pid());
    assertThat(second.isRunning()).isFalse();
    assertThat(first.isRunning()).isTrue();
    assertThat(nodes.addressBook().lookup(first.name())).contains(first.advertisedAddress());

    first.halt(); // as a crash would, the directory is released
    P2pNode again = nodes.start("a@127.0.0.1");
    // Same identity, a later life.
    assertThat(again.transport().incarnation()).isGreaterThan(lifeBefore);
    assertThat(again.fingerprint()).isEqualTo(identity);
  }

  @Test
  void aStoppedNodeRefusesToStartAgainAndSaysWhatToDoInstead() {
    nodes = new TestNodes(dir);
    P2pNode node = nodes.start("a@127.0.0.1");
    node.stop();

    assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was stopped and cannot start again").hasMessageContaining("build a new P2pNode");
    assertThat(node.isRunning()).isFalse();
    assertThatThrownBy(() -> node.stop(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    // Its data directory is free for the new node the message asks for.
    assertThat(nodes.start("a@127.0.0.1").isRunning()).isTrue();
  }
}
