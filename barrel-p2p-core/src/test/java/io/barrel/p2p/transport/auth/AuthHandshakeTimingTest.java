package io.barrel.p2p.transport.auth;

import static io.barrel.p2p.transport.auth.AuthHandshakeTrustTest.assertRefusal;
import static io.barrel.p2p.transport.auth.Fixtures.SECOND;
import static io.barrel.p2p.transport.auth.Fixtures.config;
import static io.barrel.p2p.transport.auth.Fixtures.identity;
import static io.barrel.p2p.transport.auth.Fixtures.tofu;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.identity.NodeIdentity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthHandshakeTimingTest {

  private static final int V = AuthFrameCodec.PROTOCOL_VERSION;

  private static final long MILLIS_PER_SECOND = 1000;

  private final NodeIdentity alpha = identity("alpha@host1");
  private final NodeIdentity beta = identity("beta@host2");

  private HandshakePair pair(AuthConfig config) {
    return new HandshakePair(Endpoint.client(alpha, beta.name(), config, tofu()), Endpoint.server(beta, config, tofu()));
  }

  @Test
  void serverRefusesAClientWhoseClockLagsBeyondTheWindowBeforeSigningAnything() {
    HandshakePair pair = pair(config());
    pair.server.wall += 31 * MILLIS_PER_SECOND;

    pair.run();

    assertRefusal(pair.server, pair.client, AuthFailureReason.TIMESTAMP_SKEW);
    assertThat(pair.server.sent).noneMatch(AuthFrame.Response.class::isInstance);
  }

  @Test
  void serverRefusesAClientWhoseClockRunsAheadBeyondTheWindow() {
    HandshakePair pair = pair(config());
    pair.server.wall -= 31 * MILLIS_PER_SECOND;

    pair.run();

    assertRefusal(pair.server, pair.client, AuthFailureReason.TIMESTAMP_SKEW);
  }

  @Test
  void clientRefusesAServerChallengeStampedOutsideTheWindow() {
    for (long offset : new long[] {30_001, -30_001}) {
      Endpoint client = Endpoint.client(alpha, beta.name(), config(), tofu());
      client.start();
      client.receive(new AuthFrame.Hello(AuthFrameCodec.PROTOCOL_VERSION, beta.name(), beta.publicKey(), Fixtures.lifeOf(beta.name())));

      client.receive(new AuthFrame.Challenge(Fixtures.freshNonce(), client.wall + offset));

      assertThat(client.failed().reason()).as("offset %d ms", offset).isEqualTo(AuthFailureReason.TIMESTAMP_SKEW);
      assertThat(client.sentFails()).hasSize(1);
      assertThat(client.sent).noneMatch(AuthFrame.Response.class::isInstance);
    }
  }

  @Test
  void serverRefusesAClientChallengeStampedInTheFuture() {
    Endpoint server = serverAwaitingClientChallenge();

    server.receive(new AuthFrame.Challenge(Fixtures.freshNonce(), server.wall + 30_001));

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.TIMESTAMP_SKEW);
    assertThat(server.sentFails()).hasSize(1);
  }

  @Test
  void serverRefusesAClientChallengeStampedInThePast() {
    Endpoint server = serverAwaitingClientChallenge();

    server.receive(new AuthFrame.Challenge(Fixtures.freshNonce(), server.wall - 30_001));

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.TIMESTAMP_SKEW);
  }

  @Test
  void serverRefusesATimestampPastTwoToTheSixtyThird() {
    Endpoint server = serverAwaitingClientChallenge();

    server.receive(new AuthFrame.Challenge(Fixtures.freshNonce(), -5L));

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.TIMESTAMP_SKEW);
  }

  @Test
  void clocksExactlyAWindowApartAreStillAccepted() {
    HandshakePair pair = pair(config());
    pair.server.wall += 30 * MILLIS_PER_SECOND;

    pair.run();

    pair.client.succeeded();
    pair.server.succeeded();
  }

  @Test
  void farFutureLookingClockWithinTheWindowSucceedsWhenTheAnswerIsQuick() {
    HandshakePair pair = pair(config());
    pair.client.wall += 29 * MILLIS_PER_SECOND;
    pair.beforeDelivery((to, frame) -> to.advanceNanos(SECOND / 100));

    pair.run();

    pair.client.succeeded();
    pair.server.succeeded();
  }

  @Test
  void wallClockStepDuringTheHandshakeDoesNotExpireTheChallenge() {
    HandshakePair pair = pair(config());
    pair.beforeDelivery((to, frame) -> {
      if (to == pair.server && frame instanceof AuthFrame.Response) {
        to.wall += 10 * 60 * MILLIS_PER_SECOND; // NTP stepped the clock; monotonic time barely moved
      }
    });

    pair.run();

    pair.server.succeeded();
    pair.client.succeeded();
  }

  @Test
  void serverRefusesAnAnswerThatArrivesAfterTheWindowOnItsMonotonicClock() {
    HandshakePair pair = pair(config(Duration.ofSeconds(30), Duration.ofMinutes(5)));
    pair.beforeDelivery((to, frame) -> {
      if (to == pair.server && frame instanceof AuthFrame.Response) {
        to.advanceNanos(30 * SECOND + 1); // wall time stays put: only monotonic time can tell
      }
    });

    pair.run();

    // The client had verified the server and started; the server's FAIL still ends it.
    assertThat(pair.server.failed().reason()).isEqualTo(AuthFailureReason.CHALLENGE_EXPIRED);
    assertThat(pair.server.sentFails()).singleElement().extracting(AuthFrame.Fail::reason)
        .isEqualTo(AuthFailureReason.CHALLENGE_EXPIRED);
    AuthFailure atClient = pair.client.failedAfterAuthenticating();
    assertThat(atClient.reason()).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    assertThat(atClient.reasonGivenByPeer()).contains(AuthFailureReason.CHALLENGE_EXPIRED);
  }

  @Test
  void clientRefusesAnAnswerThatArrivesAfterTheWindowOnItsMonotonicClock() {
    HandshakePair pair = pair(config(Duration.ofSeconds(30), Duration.ofMinutes(5)));
    pair.beforeDelivery((to, frame) -> {
      if (to == pair.client && frame instanceof AuthFrame.Response) {
        to.advanceNanos(30 * SECOND + 1);
      }
    });

    pair.run();

    assertThat(pair.client.failed().reason()).isEqualTo(AuthFailureReason.CHALLENGE_EXPIRED);
    assertThat(pair.client.sentFails()).hasSize(1);
  }

  @Test
  void answerExactlyAtTheEndOfTheWindowIsAccepted() {
    HandshakePair pair = pair(config(Duration.ofSeconds(30), Duration.ofMinutes(5)));
    pair.beforeDelivery((to, frame) -> {
      if (frame instanceof AuthFrame.Response) {
        to.advanceNanos(30 * SECOND);
      }
    });

    pair.run();

    pair.server.succeeded();
    pair.client.succeeded();
  }

  @Test
  void deadlineThatFiresEarlyDoesNothing() {
    Endpoint client = Endpoint.client(alpha, beta.name(), config(), tofu());
    client.start();

    List<AuthEffect> effects = client.machine.onDeadline(client.nanos + 10 * SECOND - 1);

    assertThat(effects).isEmpty();
    assertThat(client.machine.isDone()).isFalse();
  }

  @Test
  void deadlineFailsTheHandshakeWithTimeoutAndTellsThePeer() {
    Endpoint client = Endpoint.client(alpha, beta.name(), config(), tofu());
    client.start();

    client.record(client.machine.onDeadline(client.nanos + 10 * SECOND));

    assertThat(client.failed().reason()).isEqualTo(AuthFailureReason.TIMEOUT);
    assertThat(client.sentFails()).singleElement().extracting(AuthFrame.Fail::reason).isEqualTo(AuthFailureReason.TIMEOUT);
  }

  @Test
  void peerThatKeepsSendingCannotExtendTheDeadline() {
    Endpoint server = Endpoint.server(beta, config(), tofu());
    server.start();
    server.advanceNanos(9 * SECOND);
    server.receive(new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name())));
    server.advanceNanos(SECOND / 2);
    server.receive(new AuthFrame.Challenge(Fixtures.freshNonce(), server.wall));

    server.record(server.machine.onDeadline(Fixtures.SERVER_NANOS + 10 * SECOND));

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.TIMEOUT);
  }

  @Test
  void frameThatArrivesAfterTheDeadlineFailsWithTimeoutEvenBeforeTheTimerFires() {
    Endpoint server = Endpoint.server(beta, config(), tofu());
    server.start();
    server.advanceNanos(10 * SECOND);

    server.receive(new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name())));

    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.TIMEOUT);
    assertThat(server.sent).noneMatch(AuthFrame.Hello.class::isInstance);
  }

  @Test
  void deadlineWorksAcrossTheWrapOfTheMonotonicClock() {
    Endpoint server = new Endpoint(HandshakeRole.SERVER, beta, Fixtures.SERVER_CERT_HASH, null, config(), tofu(),
        Long.MAX_VALUE - SECOND);
    server.start();

    assertThat(server.machine.onDeadline(Long.MAX_VALUE)).isEmpty();
    assertThat(server.record(server.machine.onDeadline(Long.MIN_VALUE + 9 * SECOND))).hasSize(2);
    assertThat(server.failed().reason()).isEqualTo(AuthFailureReason.TIMEOUT);
  }

  @Test
  void withinWindowIsSymmetricAndRejectsImpossibleClocks() {
    assertThat(AuthHandshake.withinWindow(100, 70, 30)).isTrue();
    assertThat(AuthHandshake.withinWindow(70, 100, 30)).isTrue();
    assertThat(AuthHandshake.withinWindow(100, 69, 30)).isFalse();
    assertThat(AuthHandshake.withinWindow(Long.MAX_VALUE, 0, 30)).isFalse();
    assertThat(AuthHandshake.withinWindow(100, Long.MIN_VALUE, Long.MAX_VALUE)).isFalse();
  }

  private Endpoint serverAwaitingClientChallenge() {
    Endpoint server = Endpoint.server(beta, config(), tofu());
    server.start();
    server.receive(new AuthFrame.Hello(V, alpha.name(), alpha.publicKey(), Fixtures.lifeOf(alpha.name())));
    return server;
  }
}
