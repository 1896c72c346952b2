package io.barrel.p2p.transport;

import static io.barrel.p2p.testing.TestNodes.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import io.barrel.p2p.testing.TlsTerminatingRelay;
import io.barrel.p2p.transport.auth.AuthFailureReason;
import io.barrel.p2p.transport.auth.AuthenticationException;
import io.barrel.p2p.transport.auth.AuthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ed25519 handshake over real QUIC on 127.0.0.1, success and every refusal. */
class AuthenticationOverQuicTest {

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

  private static AuthFailureReason reasonOf(Throwable t) {
    Throwable c = t instanceof CompletionException ? t.getCause() : t;
    assertThat(c).isInstanceOf(AuthenticationException.class);
    return ((AuthenticationException) c).failure().reason();
  }

  private static Throwable failureOf(java.util.concurrent.CompletableFuture<?> f) {
    try {
      f.get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("expected a failure, got " + e, e);
    }
    throw new AssertionError("expected the connection to be refused, but it succeeded");
  }

  @Test
  void twoNodesAuthenticateInTofuModeAndPinEachOther() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");

    a.connect(b.name()).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> b.connectedPeers().contains(a.name()));
    assertThat(a.connectedPeers()).containsExactly(b.name());
    assertThat(a.trustStore().lookup(b.name())).hasValueSatisfying(
        pin -> assertThat(pin.fingerprint()).isEqualTo(b.fingerprint()));
    assertThat(b.trustStore().lookup(a.name())).hasValueSatisfying(
        pin -> assertThat(pin.fingerprint()).isEqualTo(a.fingerprint()));
    assertThat(nodes.dataDirectory("a@127.0.0.1").resolve("keys/trusted/b@127.0.0.1.pub")).exists();
  }

  @Test
  void threeNodesAuthenticateInTofuModeEachFromItsOneUdpPort() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    P2pNode c = nodes.start("c@127.0.0.1");

    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    a.connect(c.name()).get(10, TimeUnit.SECONDS);
    b.connect(c.name()).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(a.connectedPeers()).containsExactlyInAnyOrder(b.name(), c.name());
      assertThat(b.connectedPeers()).containsExactlyInAnyOrder(a.name(), c.name());
      assertThat(c.connectedPeers()).containsExactlyInAnyOrder(a.name(), b.name());
    });
    // Outbound connections leave from the node's listening socket: peers see the listen port.
    for (P2pNode x : new P2pNode[] {b, c}) {
      assertThat(x.connections()).filteredOn(i -> i.peer().equals(a.name()))
          .singleElement().satisfies(i -> assertThat(i.remoteAddress()).isEqualTo(a.listenAddress()));
    }
    assertThat(c.connections()).filteredOn(i -> i.peer().equals(b.name()))
        .singleElement().satisfies(i -> assertThat(i.remoteAddress()).isEqualTo(b.listenAddress()));
    assertThat(a.trustStore().list()).hasSize(2);
  }

  @Test
  void threeNodesAuthenticateInStrictModeWithPrePinnedKeys() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.trustMode(TrustMode.STRICT));
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.trustMode(TrustMode.STRICT));
    P2pNode c = nodes.start("c@127.0.0.1", c2 -> c2.trustMode(TrustMode.STRICT));
    for (P2pNode x : new P2pNode[] {a, b, c}) {
      for (P2pNode y : new P2pNode[] {a, b, c}) {
        if (x != y) {
          x.trustStore().pin(y.name(), y.transport().identity().publicKey());
        }
      }
    }

    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    b.connect(c.name()).get(10, TimeUnit.SECONDS);
    c.connect(a.name()).get(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(a.connectedPeers()).containsExactlyInAnyOrder(b.name(), c.name());
      assertThat(b.connectedPeers()).containsExactlyInAnyOrder(a.name(), c.name());
      assertThat(c.connectedPeers()).containsExactlyInAnyOrder(a.name(), b.name());
    });
  }

  @Test
  void unpinnedKeyIsRefusedInStrictMode() {
    RecordingMetrics bMetrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.trustMode(TrustMode.STRICT).metrics(bMetrics));

    Throwable failure = failureOf(a.connect(b.name()));

    assertThat(reasonOf(failure)).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        bMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "fail", AuthFailureReason.UNTRUSTED_KEY.metricTag()) == 1);
    assertThat(a.connectedPeers()).isEmpty();
    assertThat(b.connectedPeers()).isEmpty();
  }

  @Test
  void aTrustModeSwitchAtRuntimeAppliesToTheNextHandshake() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.trustMode(TrustMode.STRICT));
    assertThat(reasonOf(failureOf(a.connect(b.name())))).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);

    b.trustStore().setMode(TrustMode.TOFU);

    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.connectedPeers().contains(a.name()));
    assertThat(b.trustStore().lookup(a.name())).as("pinned on first use after the switch").isPresent();
  }

  @Test
  void pinnedButDifferentKeyIsRefusedInTofuAndInStrictMode() throws Exception {
    for (TrustMode mode : TrustMode.values()) {
      String suffix = mode.name().toLowerCase();
      RecordingMetrics bMetrics = new RecordingMetrics();
      P2pNode a = nodes.start("a-" + suffix + "@127.0.0.1");
      P2pNode b = nodes.start("b-" + suffix + "@127.0.0.1", c -> c.trustMode(mode).metrics(bMetrics));
      byte[] otherKey = io.barrel.p2p.identity.Ed25519.publicKeyOf(new byte[32]);
      b.trustStore().pin(a.name(), otherKey);

      Throwable failure = failureOf(a.connect(b.name()));

      assertThat(reasonOf(failure)).as(mode.name()).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
      await().atMost(Duration.ofSeconds(5)).until(() ->
          bMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "fail", AuthFailureReason.KEY_MISMATCH.metricTag()) == 1);
      assertThat(b.trustStore().lookup(a.name()).orElseThrow().publicKey()).as("pin unchanged").isEqualTo(otherKey);
    }
  }

  @Test
  void clientRefusesAServerWhoseKeyDiffersFromItsPin() {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    a.trustStore().pin(b.name(), io.barrel.p2p.identity.Ed25519.publicKeyOf(new byte[32]));

    Throwable failure = failureOf(a.connect(b.name()));

    assertThat(reasonOf(failure)).isEqualTo(AuthFailureReason.KEY_MISMATCH);
  }

  @Test
  void wrongClusterSecretIsRefused() {
    RecordingMetrics aMetrics = new RecordingMetrics();
    RecordingMetrics bMetrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.metrics(aMetrics)
        .auth(AuthConfig.defaults().withClusterSecret("another-cluster-secret-9876543210")));
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.metrics(bMetrics));

    Throwable failure = failureOf(a.connect(b.name()));

    // The server proves itself first, so the dialer is the one that finds the secrets differ.
    assertThat(reasonOf(failure)).isEqualTo(AuthFailureReason.CLUSTER_SECRET_MISMATCH);
    assertThat(aMetrics.count(MeterName.AUTH_ATTEMPTS, "client", "fail",
        AuthFailureReason.CLUSTER_SECRET_MISMATCH.metricTag())).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> bMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "fail",
        AuthFailureReason.REJECTED_BY_PEER.metricTag()) == 1);
    assertThat(b.trustStore().lookup(a.name())).as("nothing pinned for a refused peer").isEmpty();
  }

  @Test
  void handshakeRelayedThroughATlsTerminatingManInTheMiddleIsRefused() throws Exception {
    RecordingMetrics aMetrics = new RecordingMetrics();
    RecordingMetrics bMetrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.metrics(aMetrics));
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.metrics(bMetrics));
    try (TlsTerminatingRelay relay = new TlsTerminatingRelay(b.listenAddress())) {
      nodes.addressBook().override(b.name(), relay.address());

      Throwable failure = failureOf(a.connect(b.name()));

      assertThat(relay.forwardedBytes()).as("the relay carried the handshake").isGreaterThan(100);
      // b signed over its own certificate; a saw the relay's, so a refuses before answering.
      assertThat(reasonOf(failure)).isEqualTo(AuthFailureReason.SIGNATURE_INVALID);
      assertThat(aMetrics.count(MeterName.AUTH_ATTEMPTS, "client", "fail",
          AuthFailureReason.SIGNATURE_INVALID.metricTag())).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> bMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "fail",
          AuthFailureReason.REJECTED_BY_PEER.metricTag()) == 1);
      assertThat(a.connectedPeers()).isEmpty();
      assertThat(b.connectedPeers()).isEmpty();
    }
  }

  @Test
  void unsafeConfigurationsFailStartLoudly() {
    assertThatThrownBy(() -> nodes.start("a@127.0.0.1",
        c -> c.auth(TestNodes.auth().withVerifyIdentity(false))))
        .hasMessageContaining("allow-unauthenticated");
    assertThatThrownBy(() -> nodes.start("b@127.0.0.1",
        c -> c.auth(AuthConfig.defaults().withExemptNodes(java.util.List.of(
            io.barrel.p2p.transport.auth.ExemptNodePattern.parse("*@10.0.0.1"))))))
        .hasMessageContaining("secret");
  }

  @Test
  void restartKeepsTheSameIdentityAndPeersStillAcceptIt() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    var before = b.fingerprint();
    b.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.connectedPeers().isEmpty());

    P2pNode b2 = nodes.start("b@127.0.0.1");

    assertThat(b2.fingerprint()).isEqualTo(before);
    a.connect(b2.name()).get(10, TimeUnit.SECONDS);
    assertThat(a.connectedPeers()).contains(b2.name());
  }

  @Test
  void identityRotationTakesEffectOnTheNextConnectionWithoutRestart() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    var oldFingerprint = a.fingerprint();

    var rotation = a.rotateIdentity();
    assertThat(a.fingerprint()).isNotEqualTo(oldFingerprint).isEqualTo(rotation.identity().fingerprint());
    assertThat(a.connectedPeers()).as("open connections are untouched").contains(b.name());

    a.transport().disconnect(b.name());
    await().atMost(Duration.ofSeconds(10)).until(() -> b.connectedPeers().isEmpty());
    Throwable refused = failureOf(a.connect(b.name()));
    assertThat(reasonOf(refused)).as("b pinned the old key").isEqualTo(AuthFailureReason.REJECTED_BY_PEER);

    b.trustStore().unpin(a.name());
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.connectedPeers().contains(a.name()));
    assertThat(b.trustStore().lookup(a.name()).orElseThrow().fingerprint()).isEqualTo(a.fingerprint());
  }

  @Test
  void certificateRotationIsPresentedByTheNextConnectionWithoutRestart() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    java.security.cert.X509Certificate before;
    try (var raw = io.barrel.p2p.testing.RawQuic.connect(b.listenAddress())) {
      before = raw.serverCertificate();
    }

    b.rotateCertificate();

    try (var raw = io.barrel.p2p.testing.RawQuic.connect(b.listenAddress())) {
      assertThat(raw.serverCertificate().getSerialNumber()).isNotEqualTo(before.getSerialNumber());
    }
    a.connect(b.name()).get(10, TimeUnit.SECONDS); // channel binding uses the new certificate
    assertThat(a.connectedPeers()).contains(b.name());
  }

  @Test
  void secretFilesAreOwnerOnly() throws Exception {
    nodes.start("a@127.0.0.1");
    Path data = nodes.dataDirectory("a@127.0.0.1");
    for (String file : new String[] {"keys/node.key", "keys/node.pub", "quic/node.key"}) {
      assertThat(Files.getPosixFilePermissions(data.resolve(file)))
          .as(file).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    for (String d : new String[] {"keys", "quic"}) {
      assertThat(Files.getPosixFilePermissions(data.resolve(d)))
          .as(d).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  @SuppressWarnings("unused")
  private static NodeName n(String s) {
    return name(s);
  }
}
