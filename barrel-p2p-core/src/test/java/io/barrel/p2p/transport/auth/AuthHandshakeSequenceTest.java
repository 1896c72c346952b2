package io.barrel.p2p.transport.auth;

import static io.barrel.p2p.transport.auth.Fixtures.config;
import static io.barrel.p2p.transport.auth.Fixtures.identity;
import static io.barrel.p2p.transport.auth.Fixtures.tofu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.identity.NodeIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthHandshakeSequenceTest {

  private static final int V = AuthFrameCodec.PROTOCOL_VERSION;

  private final NodeIdentity alpha = identity("alpha@host1");
  private final NodeIdentity beta = identity("beta@host2");

  private Endpoint startedServer() {
    Endpoint server = Endpoint.server(beta, config(), tofu());
    server.start();
    return server;
  }

  private Endpoint startedClient() {
    Endpoint client = Endpoint.client(alpha, beta.name(), config(), tofu());
    client.start();
    return client;
  }

  private AuthFrame.Hello alphaHello() {
    return new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name()));
  }

  private AuthFrame.Hello betaHello() {
    return new AuthFrame.Hello(V, beta.name(), beta.publicKey(), Fixtures.lifeOf(beta.name()));
  }

  private static AuthFrame.Challenge challenge() {
    return new AuthFrame.Challenge(Fixtures.freshNonce(), Fixtures.WALL);
  }

  private static AuthFrame.Response junkResponse() {
    return new AuthFrame.Response(new byte[64], new byte[32]);
  }

  private static void assertUnexpected(Endpoint endpoint) {
    assertThat(endpoint.failed().reason()).isEqualTo(AuthFailureReason.UNEXPECTED_FRAME);
    assertThat(endpoint.sentFails()).singleElement()
        .extracting(AuthFrame.Fail::reason).isEqualTo(AuthFailureReason.UNEXPECTED_FRAME);
  }

  @Test
  void serverRefusesAChallengeBeforeHello() {
    Endpoint server = startedServer();
    server.receive(challenge());
    assertUnexpected(server);
  }

  @Test
  void serverRefusesAResponseBeforeHello() {
    Endpoint server = startedServer();
    server.receive(junkResponse());
    assertUnexpected(server);
  }

  @Test
  void serverRefusesAnOkFromTheClientAtAnyPoint() {
    Endpoint server = startedServer();
    server.receive(alphaHello());
    server.receive(challenge());
    server.receive(new AuthFrame.Ok());
    assertUnexpected(server);
  }

  @Test
  void serverRefusesADuplicatedHello() {
    Endpoint server = startedServer();
    server.receive(alphaHello());
    server.receive(alphaHello());
    assertUnexpected(server);
  }

  @Test
  void serverRefusesADuplicatedChallenge() {
    Endpoint server = startedServer();
    server.receive(alphaHello());
    server.receive(challenge());
    server.receive(challenge());
    assertUnexpected(server);
  }

  @Test
  void serverRefusesAResponseBeforeTheClientChallenge() {
    Endpoint server = startedServer();
    server.receive(alphaHello());
    server.receive(junkResponse());
    assertUnexpected(server);
  }

  @Test
  void clientRefusesAChallengeBeforeTheServerHello() {
    Endpoint client = startedClient();
    client.receive(challenge());
    assertUnexpected(client);
  }

  @Test
  void clientRefusesAnOkBeforeTheServerProvedItself() {
    // The reference system let a bare OK short-circuit the handshake; here it is just out of order.
    Endpoint client = startedClient();
    client.receive(new AuthFrame.Ok());
    assertUnexpected(client);
  }

  @Test
  void clientRefusesADuplicatedServerHello() {
    Endpoint client = startedClient();
    client.receive(betaHello());
    client.receive(betaHello());
    assertUnexpected(client);
  }

  @Test
  void clientRefusesAnOkInPlaceOfTheServerResponse() {
    Endpoint client = startedClient();
    client.receive(betaHello());
    client.receive(challenge());
    client.receive(new AuthFrame.Ok());
    assertUnexpected(client);
  }

  @Test
  void clientRefusesADuplicatedServerResponse() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()), Endpoint.server(beta, config(), tofu()));
    pair.beforeDelivery((to, frame) -> {
      if (to == pair.client && frame instanceof AuthFrame.Response response) {
        to.receive(response); // the same RESPONSE arrives twice; the real one follows
      }
    });
    pair.run();

    // The first copy proved the server, so the client answered and began to use the connection;
    // the second is out of order, and the handshake fails before the server's OK counts.
    assertThat(pair.client.failedAfterAuthenticating().reason()).isEqualTo(AuthFailureReason.UNEXPECTED_FRAME);
    assertThat(pair.client.sentFails()).singleElement()
        .extracting(AuthFrame.Fail::reason).isEqualTo(AuthFailureReason.UNEXPECTED_FRAME);
  }

  @Test
  void clientRefusesAResponseBeforeTheServerChallenge() {
    Endpoint client = startedClient();
    client.receive(betaHello());
    client.receive(junkResponse());
    assertUnexpected(client);
  }

  @Test
  void onlyAServerThatHasAnsweredMayFindTheClientAlreadyUsingTheConnection() {
    Endpoint server = startedServer();
    assertThat(server.machine.peerMayHaveFinished()).as("started").isFalse();
    server.receive(alphaHello());
    assertThat(server.machine.peerMayHaveFinished()).as("after HELLO").isFalse();
    server.receive(challenge());
    assertThat(server.machine.peerMayHaveFinished()).as("answered, awaiting RESPONSE").isTrue();
    server.receive(junkResponse());
    assertThat(server.machine.peerMayHaveFinished()).as("failed").isFalse();

    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()), Endpoint.server(beta, config(), tofu())).run();
    pair.server.succeeded();
    assertThat(pair.server.machine.peerMayHaveFinished()).as("succeeded").isFalse();
    assertThat(pair.client.machine.peerMayHaveFinished()).as("a client never holds streams").isFalse();
  }

  @Test
  void clientThatHasAuthenticatedStillFailsOnAFailInsteadOfOk() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()), Endpoint.server(beta, config(), tofu()));
    pair.beforeDelivery((to, frame) -> {
      if (to == pair.client && frame instanceof AuthFrame.Ok) {
        to.receive(new AuthFrame.Fail(AuthFailureReason.INTERNAL, "changed its mind"));
      }
    });
    pair.run();

    AuthFailure failure = pair.client.failedAfterAuthenticating();
    assertThat(failure.reason()).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    assertThat(failure.reasonGivenByPeer()).contains(AuthFailureReason.INTERNAL);
    assertThat(pair.client.sentFails()).isEmpty();
  }

  @Test
  void clientThatHasAuthenticatedFailsWhenTheStreamClosesBeforeOk() {
    Endpoint client = clientAwaitingOk();

    client.record(client.machine.onStreamClosed());

    assertThat(client.failedAfterAuthenticating().reason()).isEqualTo(AuthFailureReason.STREAM_CLOSED);
    assertThat(client.sentFails()).isEmpty();
  }

  @Test
  void clientThatHasAuthenticatedTimesOutWithoutOk() {
    Endpoint client = clientAwaitingOk();

    client.record(client.machine.onDeadline(Fixtures.CLIENT_NANOS + 10 * Fixtures.SECOND));

    assertThat(client.failedAfterAuthenticating().reason()).isEqualTo(AuthFailureReason.TIMEOUT);
    assertThat(client.sentFails()).singleElement()
        .extracting(AuthFrame.Fail::reason).isEqualTo(AuthFailureReason.TIMEOUT);
  }

  @Test
  void abandonedHandshakeEndsWithoutEffectsAndIgnoresWhatFollows() {
    Endpoint client = clientAwaitingOk();
    int effectsBefore = client.effects.size();

    client.machine.abandon();

    assertThat(client.machine.isDone()).isTrue();
    assertThat(client.machine.failure()).isEmpty();
    assertThat(client.machine.onStreamClosed()).isEmpty();
    assertThat(client.machine.onDeadline(Long.MAX_VALUE)).isEmpty();
    assertThat(client.receive(new AuthFrame.Ok())).isEmpty();
    assertThat(client.effects).hasSize(effectsBefore);
  }

  /** A client that verified the server's answer and sent its own, but has not seen OK. */
  private Endpoint clientAwaitingOk() {
    Endpoint client = startedClient();
    Endpoint server = startedServer();
    server.receiveBytes(client.outbox.poll());
    server.receiveBytes(client.outbox.poll());
    while (!server.outbox.isEmpty()) {
      client.receiveBytes(server.outbox.poll());
    }
    assertThat(client.authenticated()).isPresent();
    assertThat(client.machine.isDone()).isFalse();
    return client;
  }

  @Test
  void peerFailAtAnyStageEndsTheHandshakeWithItsReason() {
    Endpoint client = startedClient();
    client.receive(betaHello());

    client.receive(new AuthFrame.Fail(AuthFailureReason.CLUSTER_SECRET_MISMATCH, "wrong secret"));

    AuthFailure failure = client.failed();
    assertThat(failure.reason()).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    assertThat(failure.reasonGivenByPeer()).contains(AuthFailureReason.CLUSTER_SECRET_MISMATCH);
    assertThat(failure.detail()).contains("cluster_secret_mismatch", "wrong secret");
    assertThat(client.sentFails()).isEmpty();
  }

  @Test
  void peerFailBeforeAnyOtherFrameIsARejection() {
    Endpoint server = startedServer();
    server.receive(new AuthFrame.Fail(AuthFailureReason.TIMEOUT, ""));
    assertThat(server.failed().reasonGivenByPeer()).contains(AuthFailureReason.TIMEOUT);
  }

  @Test
  void framesAfterSuccessAreIgnored() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()), Endpoint.server(beta, config(), tofu())).run();
    pair.server.succeeded();

    assertThat(pair.server.receive(alphaHello())).isEmpty();
    assertThat(pair.server.receive(new AuthFrame.Fail(AuthFailureReason.INTERNAL, "late"))).isEmpty();
    assertThat(pair.client.receive(new AuthFrame.Ok())).isEmpty();
    assertThat(pair.client.machine.onDeadline(Long.MAX_VALUE)).isEmpty();
    assertThat(pair.client.machine.onStreamClosed()).isEmpty();
    assertThat(pair.client.machine.onMalformed(new AuthDecodeException(AuthFailureReason.MALFORMED_FRAME, "x")))
        .isEmpty();
    pair.server.succeeded();
    pair.client.succeeded();
  }

  @Test
  void framesAfterFailureAreIgnored() {
    Endpoint server = startedServer();
    server.receive(challenge());
    AuthFailure first = server.failed();

    assertThat(server.receive(alphaHello())).isEmpty();
    assertThat(server.machine.onStreamClosed()).isEmpty();
    assertThat(server.machine.failure()).contains(first);
  }

  @Test
  void streamClosedMidHandshakeFailsWithoutSendingAnything() {
    Endpoint server = startedServer();
    server.receive(alphaHello());
    int sentBefore = server.sent.size();

    server.record(server.machine.onStreamClosed());

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.STREAM_CLOSED);
    assertThat(server.sent).hasSize(sentBefore);
  }

  @Test
  void garbageOnTheStreamFailsAsMalformedAndTellsThePeer() {
    Endpoint server = startedServer();

    server.receiveBytes(new byte[] {0, 3, 9, 9, 9});

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.MALFORMED_FRAME);
    assertThat(server.sentFails()).singleElement()
        .extracting(AuthFrame.Fail::reason).isEqualTo(AuthFailureReason.MALFORMED_FRAME);
  }

  @Test
  void helloWithAnInvalidNodeNameFailsWithThatReason() {
    Endpoint server = startedServer();
    byte[] body = AuthFrameCodec.encode(alphaHello());
    body[5] = '!'; // inside the name

    server.receiveBytes(body);

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.INVALID_NODE_NAME);
  }

  @Test
  void startingTwiceIsAProgrammingError() {
    Endpoint client = startedClient();
    assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void feedingFramesBeforeStartIsAProgrammingError() {
    Endpoint server = Endpoint.server(beta, config(), tofu());
    assertThatThrownBy(() -> server.receive(alphaHello())).isInstanceOf(IllegalStateException.class);
    assertThat(server.machine.onDeadline(Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void nonceMustBeThirtyTwoBytes() {
    assertThatThrownBy(() -> new AuthHandshake(HandshakeRole.SERVER, beta, 1L, Fixtures.SERVER_CERT_HASH, null, config(),
        ClusterSecret.of(Fixtures.SECRET), tofu(), new byte[16])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
  }

  @Test
  void failTextSentToThePeerIsPrintableAndBounded() {
    Endpoint server = startedServer();
    server.receive(new AuthFrame.Hello(7, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name())));

    List<AuthFrame.Fail> fails = server.sentFails();
    assertThat(fails).hasSize(1);
    assertThat(fails.get(0).text()).hasSizeLessThanOrEqualTo(AuthFrame.MAX_FAIL_TEXT).contains("version 7");
  }
}
