package io.barrel.p2p.transport.auth;

import static io.barrel.p2p.transport.auth.Fixtures.config;
import static io.barrel.p2p.transport.auth.Fixtures.identity;
import static io.barrel.p2p.transport.auth.Fixtures.pinning;
import static io.barrel.p2p.transport.auth.Fixtures.tofu;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthHandshakeSuccessTest {

  private static final int V = AuthFrameCodec.PROTOCOL_VERSION;

  private final NodeIdentity alpha = identity("alpha@host1");
  private final NodeIdentity beta = identity("beta@host2");

  @Test
  void firstContactInTofuModeAuthenticatesBothSidesAsFirstUse() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()),
        Endpoint.server(beta, config(), tofu())).run();

    AuthEffect.Authenticated atClient = pair.client.succeeded();
    AuthEffect.Authenticated atServer = pair.server.succeeded();
    assertThat(atClient).isEqualTo(new AuthEffect.Authenticated(beta.name(), beta.publicKey(), TrustVerdict.FIRST_USE, Fixtures.lifeOf(beta.name())));
    assertThat(atServer).isEqualTo(new AuthEffect.Authenticated(alpha.name(), alpha.publicKey(), TrustVerdict.FIRST_USE, Fixtures.lifeOf(alpha.name())));
  }

  @Test
  void pinnedKeysOnBothSidesAuthenticateAsPinned() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), pinning(beta)),
        Endpoint.server(beta, config(), pinning(alpha))).run();

    assertThat(pair.client.succeeded().verdict()).isEqualTo(TrustVerdict.PINNED);
    assertThat(pair.server.succeeded().verdict()).isEqualTo(TrustVerdict.PINNED);
  }

  @Test
  void clientThatDidNotKnowWhomItDialedStillAuthenticatesTheServer() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, null, config(), tofu()),
        Endpoint.server(beta, config(), tofu())).run();

    assertThat(pair.client.succeeded().peer()).isEqualTo(beta.name());
  }

  @Test
  void framesFollowTheDocumentedSequence() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()),
        Endpoint.server(beta, config(), tofu())).run();

    assertThat(pair.client.sent).map(f -> f.getClass().getSimpleName())
        .containsExactly("Hello", "Challenge", "Response");
    assertThat(pair.server.sent).map(f -> f.getClass().getSimpleName())
        .containsExactly("Hello", "Challenge", "Response", "Ok");
    AuthFrame.Hello clientHello = (AuthFrame.Hello) pair.client.sent.get(0);
    assertThat(clientHello.version()).isEqualTo(AuthFrameCodec.PROTOCOL_VERSION);
    assertThat(clientHello.name()).isEqualTo(alpha.name());
    assertThat(clientHello.publicKey()).isEqualTo(alpha.publicKey());
  }

  @Test
  void serverSaysNothingUntilTheClientSpeaks() {
    Endpoint server = Endpoint.server(beta, config(), tofu());

    List<AuthEffect> effects = server.start();

    assertThat(effects).containsExactly(new AuthEffect.ArmDeadline(Fixtures.SERVER_NANOS + 10 * Fixtures.SECOND));
  }

  @Test
  void clientStartArmsTheDeadlineSaysHelloAndChallengesInOneFlight() {
    Endpoint client = Endpoint.client(alpha, beta.name(), config(), tofu());

    List<AuthEffect> effects = client.start();

    assertThat(effects).hasSize(3);
    assertThat(effects.get(0)).isEqualTo(new AuthEffect.ArmDeadline(Fixtures.CLIENT_NANOS + 10 * Fixtures.SECOND));
    assertThat(effects.get(1)).isEqualTo(new AuthEffect.Send(new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name()))));
    assertThat(((AuthEffect.Send) effects.get(2)).frame()).isInstanceOfSatisfying(AuthFrame.Challenge.class,
        challenge -> assertThat(challenge.timestamp()).isEqualTo(Fixtures.WALL));
  }

  @Test
  void serverAnswersTheClientsFirstFlightWithItsWholeProofInOneFlight() {
    Endpoint client = Endpoint.client(alpha, beta.name(), config(), tofu());
    Endpoint server = Endpoint.server(beta, config(), tofu());
    client.start();
    server.start();

    assertThat(server.receiveBytes(client.outbox.poll())).as("HELLO alone gets no answer").isEmpty();
    List<AuthEffect> answer = server.receiveBytes(client.outbox.poll());

    assertThat(answer).map(e -> ((AuthEffect.Send) e).frame().getClass().getSimpleName())
        .containsExactly("Hello", "Challenge", "Response");
    assertThat(server.authenticated()).isEmpty();
  }

  @Test
  void clientUsesTheConnectionAfterOneRoundTripAndCompletesOnOk() {
    Endpoint client = Endpoint.client(alpha, beta.name(), config(), tofu());
    Endpoint server = Endpoint.server(beta, config(), tofu());
    client.start();
    server.start();
    while (!client.outbox.isEmpty()) {
      server.receiveBytes(client.outbox.poll());
    }
    List<AuthEffect> atClient = new java.util.ArrayList<>();
    while (!server.outbox.isEmpty()) {
      atClient.addAll(client.receiveBytes(server.outbox.poll()));
    }

    // The server's answer alone lets the client verify it, answer, and start sending.
    assertThat(atClient).hasSize(2);
    assertThat(((AuthEffect.Send) atClient.get(0)).frame()).isInstanceOf(AuthFrame.Response.class);
    assertThat(atClient.get(1)).isEqualTo(
        new AuthEffect.Authenticated(beta.name(), beta.publicKey(), TrustVerdict.FIRST_USE, Fixtures.lifeOf(beta.name())));
    assertThat(client.machine.isDone()).isFalse();

    List<AuthEffect> atServer = server.receiveBytes(client.outbox.poll());
    assertThat(atServer).containsExactly(new AuthEffect.Send(new AuthFrame.Ok()),
        new AuthEffect.Authenticated(alpha.name(), alpha.publicKey(), TrustVerdict.FIRST_USE, Fixtures.lifeOf(alpha.name())),
        new AuthEffect.Completed());

    assertThat(client.receiveBytes(server.outbox.poll())).containsExactly(new AuthEffect.Completed());
    client.succeeded();
    server.succeeded();
  }
}
