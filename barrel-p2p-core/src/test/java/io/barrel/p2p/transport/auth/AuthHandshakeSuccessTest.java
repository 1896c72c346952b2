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

  private final NodeIdentity alpha = identity("alpha@host1");
  private final NodeIdentity beta = identity("beta@host2");

  @Test
  void firstContactInTofuModeAuthenticatesBothSidesAsFirstUse() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()),
        Endpoint.server(beta, config(), tofu())).run();

    AuthEffect.Authenticated atClient = pair.client.succeeded();
    AuthEffect.Authenticated atServer = pair.server.succeeded();
    assertThat(atClient).isEqualTo(new AuthEffect.Authenticated(beta.name(), beta.publicKey(), TrustVerdict.FIRST_USE));
    assertThat(atServer).isEqualTo(new AuthEffect.Authenticated(alpha.name(), alpha.publicKey(), TrustVerdict.FIRST_USE));
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
  void clientStartArmsTheDeadlineAndSaysHello() {
    Endpoint client = Endpoint.client(alpha, beta.name(), config(), tofu());

    List<AuthEffect> effects = client.start();

    assertThat(effects).containsExactly(
        new AuthEffect.ArmDeadline(Fixtures.CLIENT_NANOS + 10 * Fixtures.SECOND),
        new AuthEffect.Send(new AuthFrame.Hello(1, alpha.name(), alpha.publicKey())));
  }

  @Test
  void serverAuthenticatesOnlyAfterSendingItsOwnResponseAndOk() {
    HandshakePair pair = new HandshakePair(
        Endpoint.client(alpha, beta.name(), config(), tofu()),
        Endpoint.server(beta, config(), tofu())).run();

    List<AuthEffect> last = pair.server.effects.subList(pair.server.effects.size() - 3, pair.server.effects.size());
    assertThat(last.get(0)).isInstanceOf(AuthEffect.Send.class);
    assertThat(((AuthEffect.Send) last.get(0)).frame()).isInstanceOf(AuthFrame.Response.class);
    assertThat(last.get(1)).isEqualTo(new AuthEffect.Send(new AuthFrame.Ok()));
    assertThat(last.get(2)).isInstanceOf(AuthEffect.Authenticated.class);
  }
}
