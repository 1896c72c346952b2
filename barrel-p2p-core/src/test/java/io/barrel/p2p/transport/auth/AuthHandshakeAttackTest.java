package io.barrel.p2p.transport.auth;

import static io.barrel.p2p.transport.auth.AuthHandshakeTrustTest.assertRefusal;
import static io.barrel.p2p.transport.auth.Fixtures.config;
import static io.barrel.p2p.transport.auth.Fixtures.configWithSecret;
import static io.barrel.p2p.transport.auth.Fixtures.identity;
import static io.barrel.p2p.transport.auth.Fixtures.identityChecksOff;
import static io.barrel.p2p.transport.auth.Fixtures.tofu;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.identity.Ed25519;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthHandshakeAttackTest {

  private static final int V = AuthFrameCodec.PROTOCOL_VERSION;

  private final NodeIdentity alpha = identity("alpha@host1");
  private final NodeIdentity beta = identity("beta@host2");

  @Test
  void nodeWithAnotherClusterSecretIsRefused() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), configWithSecret("another-secret-of-32-characters!"), tofu()),
        Endpoint.server(beta, config(), tofu())).run();

    // The server proves itself first, so the client finds out and never shows its own proof.
    assertRefusal(pair.client, pair.server, AuthFailureReason.CLUSTER_SECRET_MISMATCH);
    assertThat(pair.client.sent).noneMatch(AuthFrame.Response.class::isInstance);
  }

  @Test
  void relayedHandshakeWithDifferentCertificateHashFails() {
    // A TLS-terminating relay shows the client its own certificate; the server hashes its real one.
    Endpoint client = new Endpoint(HandshakeRole.CLIENT, alpha, Fixtures.RELAY_CERT_HASH, beta.name(), config(),
        tofu(), Fixtures.CLIENT_NANOS);
    HandshakePair pair = new HandshakePair(client, Endpoint.server(beta, config(), tofu())).run();

    // The server's signature covers the certificate it holds, not the relay's the client saw.
    assertRefusal(pair.client, pair.server, AuthFailureReason.SIGNATURE_INVALID);
    assertThat(pair.client.sent).noneMatch(AuthFrame.Response.class::isInstance);
  }

  @Test
  void relayedHandshakeFailsOnTheSecretProofWhenIdentityChecksAreOff() {
    Endpoint client = new Endpoint(HandshakeRole.CLIENT, alpha, Fixtures.RELAY_CERT_HASH, beta.name(),
        identityChecksOff(), tofu(), Fixtures.CLIENT_NANOS);
    HandshakePair pair = new HandshakePair(client, Endpoint.server(beta, identityChecksOff(), tofu())).run();

    assertRefusal(pair.client, pair.server, AuthFailureReason.CLUSTER_SECRET_MISMATCH);
  }

  @Test
  void recordedClientFramesReplayedToANewServerSessionFail() {
    HandshakePair recorded = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()),
        Endpoint.server(beta, config(), tofu())).run();
    recorded.server.succeeded();
    List<AuthFrame> captured = recorded.client.sent;

    Endpoint fresh = Endpoint.server(beta, config(), tofu());
    fresh.start();
    for (AuthFrame frame : captured) {
      fresh.receive(frame);
    }

    assertThat(fresh.failed().reason()).isEqualTo(AuthFailureReason.SIGNATURE_INVALID);
    assertThat(fresh.sentFails()).singleElement().extracting(AuthFrame.Fail::reason)
        .isEqualTo(AuthFailureReason.SIGNATURE_INVALID);
  }

  @Test
  void serverSignatureReflectedAsAClientAnswerFails() {
    // The attacker claims alpha's identity to beta. To answer beta's challenge it dials alpha as a
    // client of its own, hands alpha beta's challenge, and relays alpha's server RESPONSE back to
    // beta. Both servers share one channel binding here on purpose, so that only the role byte in the
    // transcript stands between the attacker and success.
    NodeIdentity attacker = identity("mallory@evil");
    // Since the server answers first, the oracle signs for the attacker before it proves anything.
    Endpoint victimOfImpersonation = Endpoint.server(beta, config(), tofu());
    victimOfImpersonation.start();
    victimOfImpersonation.receive(new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name())));
    victimOfImpersonation.receive(new AuthFrame.Challenge(Fixtures.freshNonce(), Fixtures.WALL));
    AuthFrame.Challenge betaChallenge = (AuthFrame.Challenge) victimOfImpersonation.sent.get(1);

    Endpoint oracle = Endpoint.server(alpha, config(), tofu());
    oracle.start();
    oracle.receive(new AuthFrame.Hello(V, attacker.name(), attacker.publicKey(), Fixtures.lifeOf(attacker.name())));
    oracle.receive(betaChallenge);
    AuthFrame.Challenge alphaChallenge = (AuthFrame.Challenge) oracle.sent.get(1);
    AuthFrame.Response reflected = (AuthFrame.Response) oracle.sent.get(2);
    oracle.receive(honestAnswer(attacker, alphaChallenge));
    assertThat(oracle.succeeded().peer()).isEqualTo(attacker.name());

    victimOfImpersonation.receive(reflected);

    assertThat(victimOfImpersonation.failed().reason()).isEqualTo(AuthFailureReason.SIGNATURE_INVALID);
    byte[] asSigned = AuthTranscript.of(HandshakeRole.SERVER, betaChallenge.nonce(), betaChallenge.timestamp(),
        alpha.name(), alpha.publicKey(), Fixtures.SERVER_CERT_HASH);
    assertThat(Ed25519.verify(alpha.publicKey(), asSigned, reflected.signature()))
        .as("alpha did sign beta's challenge, only in the server role").isTrue();
  }

  @Test
  void disabledIdentityChecksSkipTheSignatureButNotTheSecret() {
    Endpoint server = Endpoint.server(beta, identityChecksOff(), Fixtures.neverAsked());
    server.start();
    server.receive(new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name())));
    server.receive(new AuthFrame.Challenge(Fixtures.freshNonce(), Fixtures.WALL));
    AuthFrame.Challenge challenge = (AuthFrame.Challenge) server.sent.get(1);
    byte[] transcript = AuthTranscript.of(HandshakeRole.CLIENT, challenge.nonce(), challenge.timestamp(),
        alpha.name(), alpha.publicKey(), Fixtures.SERVER_CERT_HASH);

    server.receive(new AuthFrame.Response(new byte[64], ClusterSecret.of(Fixtures.SECRET).prove(transcript)));

    assertThat(server.succeeded().verdict()).isEqualTo(TrustVerdict.EXEMPT);
  }

  @Test
  void disabledIdentityChecksStillRefuseAWrongSecret() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), identityChecksOff(), tofu()),
        Endpoint.server(beta, new AuthConfig(false, true, "some-other-secret-0123456789",
            java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(10), List.of()), tofu())).run();

    assertRefusal(pair.client, pair.server, AuthFailureReason.CLUSTER_SECRET_MISMATCH);
  }

  @Test
  void disabledIdentityChecksOnBothSidesStillAuthenticateWithTheSharedSecret() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), identityChecksOff(), Fixtures.neverAsked()),
        Endpoint.server(beta, identityChecksOff(), Fixtures.neverAsked())).run();

    assertThat(pair.client.succeeded().verdict()).isEqualTo(TrustVerdict.EXEMPT);
    assertThat(pair.server.succeeded().verdict()).isEqualTo(TrustVerdict.EXEMPT);
  }

  @Test
  void missingChannelBindingFailsClosedOnTheClient() {
    Endpoint client = new Endpoint(HandshakeRole.CLIENT, alpha, null, beta.name(), config(), tofu(),
        Fixtures.CLIENT_NANOS);

    client.start();

    assertThat(client.failed().reason()).isEqualTo(AuthFailureReason.CHANNEL_BINDING_UNAVAILABLE);
    assertThat(client.sent).noneMatch(AuthFrame.Hello.class::isInstance);
  }

  @Test
  void channelBindingOfTheWrongLengthFailsClosedOnTheServer() {
    Endpoint server = new Endpoint(HandshakeRole.SERVER, beta, new byte[20], null, config(), tofu(),
        Fixtures.SERVER_NANOS);

    server.start();
    List<AuthEffect> later = server.receive(new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name())));

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.CHANNEL_BINDING_UNAVAILABLE);
    assertThat(later).isEmpty();
  }

  private static AuthFrame.Response honestAnswer(NodeIdentity signer, AuthFrame.Challenge challenge) {
    byte[] transcript = AuthTranscript.of(HandshakeRole.CLIENT, challenge.nonce(), challenge.timestamp(),
        signer.name(), signer.publicKey(), Fixtures.SERVER_CERT_HASH);
    return new AuthFrame.Response(signer.sign(transcript), ClusterSecret.of(Fixtures.SECRET).prove(transcript));
  }
}
