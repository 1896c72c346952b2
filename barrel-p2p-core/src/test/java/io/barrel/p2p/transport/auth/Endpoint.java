package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustPolicy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * One side of an in-memory handshake: the machine, its own clocks, and what it did. Frames it sends
 * are encoded to bytes, and frames it receives are cut from bytes by a real {@link AuthFrameReader}.
 */
final class Endpoint {

  final HandshakeRole role;
  final NodeIdentity identity;
  final AuthHandshake machine;
  long nanos;
  long wall;
  final List<AuthEffect> effects = new ArrayList<>();
  final List<AuthFrame> sent = new ArrayList<>();
  final Deque<byte[]> outbox = new ArrayDeque<>();
  private final AuthFrameReader reader = new AuthFrameReader();

  Endpoint(HandshakeRole role, NodeIdentity identity, byte[] binding, NodeName expectedPeer, AuthConfig config,
      TrustPolicy trust, long nanos) {
    this.role = role;
    this.identity = identity;
    this.machine = new AuthHandshake(role, identity, Fixtures.lifeOf(identity.name()), binding, expectedPeer, config,
        ClusterSecret.of(config.clusterSecret()), trust, Fixtures.freshNonce());
    this.nanos = nanos;
    this.wall = Fixtures.WALL;
  }

  static Endpoint client(NodeIdentity identity, NodeName dialed, AuthConfig config, TrustPolicy trust) {
    return new Endpoint(HandshakeRole.CLIENT, identity, Fixtures.SERVER_CERT_HASH, dialed, config, trust,
        Fixtures.CLIENT_NANOS);
  }

  static Endpoint server(NodeIdentity identity, AuthConfig config, TrustPolicy trust) {
    return new Endpoint(HandshakeRole.SERVER, identity, Fixtures.SERVER_CERT_HASH, null, config, trust,
        Fixtures.SERVER_NANOS);
  }

  List<AuthEffect> start() {
    return record(machine.start(nanos, wall));
  }

  /** Delivers a frame straight to the machine, as a test playing the peer by hand would. */
  List<AuthEffect> receive(AuthFrame frame) {
    return record(machine.onFrame(frame, nanos, wall));
  }

  /** Delivers bytes as they came off the wire. */
  List<AuthEffect> receiveBytes(byte[] bytes) {
    List<AuthFrame> frames;
    try {
      frames = reader.feed(bytes);
    } catch (AuthDecodeException e) {
      return record(machine.onMalformed(e));
    }
    List<AuthEffect> produced = new ArrayList<>();
    for (AuthFrame frame : frames) {
      produced.addAll(receive(frame));
    }
    return produced;
  }

  List<AuthEffect> record(List<AuthEffect> produced) {
    effects.addAll(produced);
    for (AuthEffect effect : produced) {
      if (effect instanceof AuthEffect.Send send) {
        sent.add(send.frame());
        outbox.add(AuthFrameCodec.encode(send.frame()));
      }
    }
    return produced;
  }

  Optional<AuthEffect.Authenticated> authenticated() {
    return effects.stream().filter(AuthEffect.Authenticated.class::isInstance)
        .map(AuthEffect.Authenticated.class::cast).findFirst();
  }

  Optional<AuthFailure> failure() {
    return effects.stream().filter(AuthEffect.Failed.class::isInstance)
        .map(e -> ((AuthEffect.Failed) e).failure()).findFirst();
  }

  AuthFailure failed() {
    assertThat(machine.isDone()).as("%s is done", identity.name()).isTrue();
    assertThat(authenticated()).as("%s authenticated nobody", identity.name()).isEmpty();
    assertThat(failure()).as("%s failed", identity.name()).isPresent();
    assertThat(machine.failure()).contains(failure().get());
    return failure().get();
  }

  AuthEffect.Authenticated succeeded() {
    assertThat(failure()).as("%s did not fail", identity.name()).isEmpty();
    assertThat(machine.isDone()).isTrue();
    assertThat(machine.failure()).isEmpty();
    assertThat(completed()).as("%s completed", identity.name()).isTrue();
    return authenticated().orElseThrow(() -> new AssertionError(identity.name() + " did not authenticate"));
  }

  /**
   * The client verified the server and started to use the connection, then the handshake failed
   * before the server's OK: the driver must close a connection already in use.
   */
  AuthFailure failedAfterAuthenticating() {
    assertThat(role).isEqualTo(HandshakeRole.CLIENT);
    assertThat(machine.isDone()).isTrue();
    assertThat(authenticated()).as("%s authenticated its peer first", identity.name()).isPresent();
    assertThat(completed()).as("%s never completed", identity.name()).isFalse();
    assertThat(failure()).as("%s failed", identity.name()).isPresent();
    assertThat(effects.indexOf(failedEffect())).isGreaterThan(effects.indexOf(authenticated().get()));
    return failure().get();
  }

  boolean completed() {
    return effects.stream().anyMatch(AuthEffect.Completed.class::isInstance);
  }

  private AuthEffect failedEffect() {
    return effects.stream().filter(AuthEffect.Failed.class::isInstance).findFirst().orElseThrow();
  }

  /** The FAIL frames this side sent. */
  List<AuthFrame.Fail> sentFails() {
    return sent.stream().filter(AuthFrame.Fail.class::isInstance).map(AuthFrame.Fail.class::cast).toList();
  }

  void advanceNanos(long delta) {
    nanos += delta;
  }
}
