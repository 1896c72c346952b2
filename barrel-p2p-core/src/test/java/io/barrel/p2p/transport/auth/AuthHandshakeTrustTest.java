package io.barrel.p2p.transport.auth;

import static io.barrel.p2p.transport.auth.Fixtures.config;
import static io.barrel.p2p.transport.auth.Fixtures.exempting;
import static io.barrel.p2p.transport.auth.Fixtures.identity;
import static io.barrel.p2p.transport.auth.Fixtures.impostor;
import static io.barrel.p2p.transport.auth.Fixtures.name;
import static io.barrel.p2p.transport.auth.Fixtures.neverAsked;
import static io.barrel.p2p.transport.auth.Fixtures.pinning;
import static io.barrel.p2p.transport.auth.Fixtures.strictEmpty;
import static io.barrel.p2p.transport.auth.Fixtures.tofu;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustVerdict;
import org.junit.jupiter.api.Test;

class AuthHandshakeTrustTest {

  private static final int V = AuthFrameCodec.PROTOCOL_VERSION;

  private final NodeIdentity alpha = identity("alpha@host1");
  private final NodeIdentity beta = identity("beta@host2");

  @Test
  void serverRefusesClientWhoseKeyDiffersFromThePinAndTellsIt() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(impostor("alpha@host1"), beta.name(), config(), tofu()),
        Endpoint.server(beta, config(), pinning(alpha))).run();

    assertRefusal(pair.server, pair.client, AuthFailureReason.KEY_MISMATCH);
    assertThat(pair.server.sent).containsExactly(pair.server.sentFails().get(0));
  }

  @Test
  void serverInStrictModeRefusesUnpinnedClientAndTellsIt() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()),
        Endpoint.server(beta, config(), strictEmpty())).run();

    assertRefusal(pair.server, pair.client, AuthFailureReason.UNTRUSTED_KEY);
    assertThat(pair.server.sent).as("a stranger gets no signature").containsExactly(pair.server.sentFails().get(0));
  }

  @Test
  void clientRefusesServerWhoseKeyDiffersFromThePinAndTellsIt() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), pinning(beta)),
        Endpoint.server(impostor("beta@host2"), config(), tofu())).run();

    assertRefusal(pair.client, pair.server, AuthFailureReason.KEY_MISMATCH);
    assertThat(pair.client.sent).map(f -> f.getClass().getSimpleName()).containsExactly("Hello", "Challenge", "Fail");
  }

  @Test
  void clientInStrictModeRefusesUnpinnedServerAndTellsIt() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), strictEmpty()),
        Endpoint.server(beta, config(), tofu())).run();

    assertRefusal(pair.client, pair.server, AuthFailureReason.UNTRUSTED_KEY);
  }

  @Test
  void exemptPeerIsAdmittedInStrictModeWithoutConsultingThePolicy() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), exempting("beta@*"), neverAsked()),
        Endpoint.server(beta, exempting("*@host1"), neverAsked())).run();

    assertThat(pair.client.succeeded().verdict()).isEqualTo(TrustVerdict.EXEMPT);
    assertThat(pair.server.succeeded().verdict()).isEqualTo(TrustVerdict.EXEMPT);
  }

  @Test
  void exemptPeerWithABadSignatureIsStillRefused() {
    // An insider knows the cluster secret and alpha's public key, but not alpha's private key: it
    // presents alpha's name and key and signs with its own. Exemption skips the pin, not the signature.
    NodeIdentity claimed = identity("alpha@host1");
    Endpoint server = Endpoint.server(beta, exempting("alpha@host1"), strictEmpty());
    server.start();
    server.receive(new AuthFrame.Hello(V, claimed.name(), claimed.publicKey(), Fixtures.lifeOf(claimed.name())));
    server.receive(new AuthFrame.Challenge(Fixtures.freshNonce(), Fixtures.WALL));
    AuthFrame.Challenge serverChallenge = (AuthFrame.Challenge) server.sent.get(1);

    NodeIdentity forger = impostor("alpha@host1");
    byte[] transcript = AuthTranscript.of(HandshakeRole.CLIENT, serverChallenge.nonce(), serverChallenge.timestamp(),
        claimed.name(), claimed.publicKey(), Fixtures.SERVER_CERT_HASH);
    server.receive(new AuthFrame.Response(forger.sign(transcript), ClusterSecret.of(Fixtures.SECRET).prove(transcript)));

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.SIGNATURE_INVALID);
    assertThat(server.sentFails()).singleElement()
        .extracting(AuthFrame.Fail::reason).isEqualTo(AuthFailureReason.SIGNATURE_INVALID);
  }

  @Test
  void exemptionOnlyCoversMatchingNames() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()),
        Endpoint.server(beta, exempting("gamma@*", "*@host9"), strictEmpty())).run();

    assertRefusal(pair.server, pair.client, AuthFailureReason.UNTRUSTED_KEY);
  }

  @Test
  void clientThatReachedAnotherNodeThanTheOneItDialedRefusesIt() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, name("gamma@host3"), config(), tofu()),
        Endpoint.server(beta, config(), tofu())).run();

    assertRefusal(pair.client, pair.server, AuthFailureReason.WRONG_PEER);
    assertThat(pair.client.failure().get().detail()).contains("gamma@host3", "beta@host2");
  }

  @Test
  void nodeThatDialedItselfIsRefusedBeforeTrustIsConsulted() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(beta, null, config(), tofu()),
        Endpoint.server(beta, config(), neverAsked())).run();

    assertRefusal(pair.server, pair.client, AuthFailureReason.SELF_CONNECTION);
  }

  @Test
  void serverRefusesAHelloOfAnotherProtocolVersion() {
    Endpoint server = Endpoint.server(beta, config(), neverAsked());
    server.start();

    server.receive(new AuthFrame.Hello(1, alpha.name(), alpha.publicKey(), 0)); // the previous version

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.UNSUPPORTED_VERSION);
    assertThat(server.sentFails()).singleElement()
        .extracting(AuthFrame.Fail::reason).isEqualTo(AuthFailureReason.UNSUPPORTED_VERSION);
  }

  @Test
  void clientRefusesAServerHelloOfAnotherProtocolVersion() {
    Endpoint client = Endpoint.client(alpha, beta.name(), config(), neverAsked());
    client.start();

    client.receive(new AuthFrame.Hello(0, beta.name(), beta.publicKey(), 0));

    assertThat(client.failed().reason()).isEqualTo(AuthFailureReason.UNSUPPORTED_VERSION);
    assertThat(client.sentFails()).hasSize(1);
  }

  @Test
  void trustPolicyThatThrowsFailsTheHandshakeClosed() {
    Endpoint server = Endpoint.server(beta, config(), (peer, key) -> {
      throw new IllegalStateException("store is corrupt");
    });
    server.start();

    server.receive(new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name())));

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.INTERNAL);
    assertThat(server.failed().detail()).contains("store is corrupt");
    assertThat(server.sentFails()).singleElement().satisfies(fail -> {
      assertThat(fail.reason()).isEqualTo(AuthFailureReason.INTERNAL);
      assertThat(fail.text()).doesNotContain("corrupt");
    });
  }

  @Test
  void trustPolicyReceivesTheClaimedNameAndKey() {
    java.util.List<String> asked = new java.util.ArrayList<>();
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()),
        Endpoint.server(beta, config(), (peer, key) -> {
          asked.add(peer + " " + java.util.HexFormat.of().formatHex(key));
          return TrustVerdict.FIRST_USE;
        })).run();

    pair.server.succeeded();
    assertThat(asked).containsExactly(alpha.name() + " " + java.util.HexFormat.of().formatHex(alpha.publicKey()));
  }

  /** The refusing side failed with {@code reason} and said so; the other side read it as a rejection. */
  static void assertRefusal(Endpoint refusing, Endpoint refused, AuthFailureReason reason) {
    assertThat(refusing.failed().reason()).isEqualTo(reason);
    assertThat(refusing.sentFails()).singleElement().extracting(AuthFrame.Fail::reason).isEqualTo(reason);
    AuthFailure seen = refused.failed();
    assertThat(seen.reason()).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    assertThat(seen.reasonGivenByPeer()).contains(reason);
    assertThat(seen.message()).contains(reason.hint());
    assertThat(refused.sentFails()).as("nobody answers a FAIL with a FAIL").isEmpty();
  }
}
