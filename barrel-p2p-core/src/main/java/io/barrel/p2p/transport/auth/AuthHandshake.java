package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.Ed25519;
import io.barrel.p2p.identity.Fingerprint;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustPolicy;
import io.barrel.p2p.identity.TrustVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The channel-bound Ed25519 handshake of one connection, as a pure state machine: inputs (frames,
 * the deadline, the stream closing) go in with the time, effects come out. No I/O, no threads, no
 * clock of its own. Not thread-safe; one thread drives it.
 *
 * <pre>
 *  client C (dialer)                                   server S (acceptor)
 *     HELLO(C name, C key)            ---&gt;             version, self, trust check
 *     CHALLENGE(nC, tC)               ---&gt;             |wall - tC| &lt;= window
 *                                     &lt;---             HELLO(S name, S key)
 *                                     &lt;---             CHALLENGE(nS, tS)
 *                                     &lt;---             RESPONSE(sig_S, proof_S)
 *  version, expected peer, trust
 *  |wall - tS| &lt;= window
 *  elapsed &lt;= window, signature, proof
 *     RESPONSE(sig_C, proof_C)        ---&gt;             elapsed &lt;= window, signature, proof
 *  C: Authenticated(S), may send                       S: Authenticated(C), Completed
 *                                     &lt;---             OK
 *  C: Completed
 * </pre>
 *
 * sig_C signs {@link AuthTranscript}(client, nS, tS, C name, C key, binding) and sig_S signs
 * (server, nC, tC, S name, S key, binding); each proof is the {@link ClusterSecret} MAC of the same
 * transcript.
 *
 * <p>One round trip after QUIC's own handshake: the client challenges in its first flight and the
 * server answers with its proof, so the client has verified the server before it answers, and may
 * use the connection as soon as it has. The server holds whatever the client sends meanwhile,
 * unread, until the client's RESPONSE verifies ({@link #peerMayHaveFinished()} tells its driver
 * when that is allowed); if it does not, the connection closes and nothing was read. The client's
 * handshake completes with OK; a FAIL or the deadline before it still fails the handshake, and the
 * driver closes the connection it had started to use.
 *
 * <p>What the early answer costs: the server signs, and MACs with the cluster key, for a client
 * that has not proven anything yet, but only after the trust policy accepted the key the client
 * claims (strict mode: a pinned key). The signature is useless elsewhere: it covers the client's
 * fresh nonce and the server's own certificate hash, which no relay can present. The MAC could
 * feed an offline search for the cluster secret, which is why {@link ClusterSecret} derives its key
 * with scrypt. Whoever detects a failure tells the peer with FAIL, except when the peer is gone or
 * itself sent FAIL. One deadline, armed at start, covers the whole handshake: a peer that dribbles
 * bytes cannot extend it.
 */
public final class AuthHandshake {

  private enum Stage { NEW, AWAIT_HELLO, AWAIT_CHALLENGE, AWAIT_RESPONSE, AWAIT_OK, DONE }

  private final HandshakeRole role;
  private final NodeIdentity self;
  private final long incarnation;
  private final byte[] selfKey;
  private final byte[] binding;
  private final NodeName expectedPeer;
  private final AuthConfig config;
  private final TrustPolicy trust;
  private final byte[] nonce;
  private final ClusterSecret secret;
  private final long windowNanos;

  private Stage stage = Stage.NEW;
  private long deadline;
  private NodeName peer;
  private byte[] peerKey;
  private long peerIncarnation;
  private TrustVerdict verdict;
  private long challengeTimestamp;
  private long challengeIssuedAt;
  private AuthFrame.Challenge peerChallenge;
  private AuthFailure failure;

  /**
   * One handshake for one connection.
   *
   * @param role which end of the connection this node is
   * @param self this node's identity
   * @param incarnation when this node's current life began (wall-clock ms, not negative), told to
   *     the peer in HELLO
   * @param channelBinding SHA-256 of the server's TLS certificate DER as this side sees it; null or
   *     not 32 bytes makes the handshake fail closed at {@link #start}
   * @param expectedPeer the node the client dialed; null on the server or when not known
   * @param config validated auth settings
   * @param secret the key derived from {@code config}'s cluster secret ({@link ClusterSecret#of})
   * @param trust a snapshot of the trust store's policy
   * @param nonce 32 fresh bytes from a CSPRNG, never reused
   */
  public AuthHandshake(HandshakeRole role, NodeIdentity self, long incarnation, byte[] channelBinding,
      NodeName expectedPeer, AuthConfig config, ClusterSecret secret, TrustPolicy trust, byte[] nonce) {
    this.role = Objects.requireNonNull(role, "role");
    this.self = Objects.requireNonNull(self, "self");
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must not be negative, got " + incarnation);
    }
    this.incarnation = incarnation;
    this.selfKey = self.publicKey();
    this.binding = channelBinding == null ? null : channelBinding.clone();
    this.expectedPeer = expectedPeer;
    this.config = Objects.requireNonNull(config, "config");
    this.trust = Objects.requireNonNull(trust, "trust");
    if (nonce == null || nonce.length != AuthFrame.NONCE_SIZE) {
      throw new IllegalArgumentException("the challenge nonce must be " + AuthFrame.NONCE_SIZE + " fresh random bytes");
    }
    this.nonce = nonce.clone();
    this.secret = Objects.requireNonNull(secret, "secret");
    this.windowNanos = saturatedNanos(config.timestampWindow());
  }

  /** Begins the handshake: arms the one deadline, and the client says HELLO and challenges. */
  public List<AuthEffect> start(long nowNanos, long wallMillis) {
    if (stage != Stage.NEW) {
      throw new IllegalStateException("the handshake was already started");
    }
    deadline = nowNanos + saturatedNanos(config.handshakeTimeout());
    List<AuthEffect> effects = new ArrayList<>(4);
    effects.add(new AuthEffect.ArmDeadline(deadline));
    stage = Stage.AWAIT_HELLO;
    if (binding == null || binding.length != AuthTranscript.BINDING_SIZE) {
      effects.addAll(fail(AuthFailureReason.CHANNEL_BINDING_UNAVAILABLE, "no channel binding (SHA-256 of the"
          + " server certificate) was available for this connection, so it cannot be authenticated", true));
      return effects;
    }
    if (role == HandshakeRole.CLIENT) {
      effects.add(new AuthEffect.Send(ownHello()));
      effects.add(new AuthEffect.Send(issueChallenge(nowNanos, wallMillis)));
    }
    return effects;
  }

  /** Handles one frame from the peer. After the handshake ended, frames are ignored. */
  public List<AuthEffect> onFrame(AuthFrame frame, long nowNanos, long wallMillis) {
    Objects.requireNonNull(frame, "frame");
    if (stage == Stage.DONE) {
      return List.of();
    }
    if (stage == Stage.NEW) {
      throw new IllegalStateException("start() the handshake before feeding it frames");
    }
    if (nowNanos - deadline >= 0) {
      return timeout();
    }
    if (frame instanceof AuthFrame.Fail refusal) {
      return failWith(AuthFailure.rejectedByPeer(refusal.reason(), refusal.text()), false);
    }
    if (stage == Stage.AWAIT_HELLO && frame instanceof AuthFrame.Hello hello) {
      return onHello(hello, nowNanos, wallMillis);
    }
    if (stage == Stage.AWAIT_CHALLENGE && frame instanceof AuthFrame.Challenge challenge) {
      return onChallenge(challenge, nowNanos, wallMillis);
    }
    if (stage == Stage.AWAIT_RESPONSE && frame instanceof AuthFrame.Response response) {
      return onResponse(response, nowNanos);
    }
    if (stage == Stage.AWAIT_OK && frame instanceof AuthFrame.Ok) {
      stage = Stage.DONE;
      return List.of(new AuthEffect.Completed());
    }
    return fail(AuthFailureReason.UNEXPECTED_FRAME, "received " + frameName(frame) + " from " + peerLabel()
        + " while waiting for " + awaited(), true);
  }

  /** The stream carried bytes that are not a frame: the handshake fails and the peer is told. */
  public List<AuthEffect> onMalformed(AuthDecodeException error) {
    Objects.requireNonNull(error, "error");
    if (stage == Stage.DONE) {
      return List.of();
    }
    return fail(error.reason(), peerLabel() + " sent an invalid handshake frame: " + error.getMessage(), true);
  }

  /** The armed deadline fired; fails with TIMEOUT unless the handshake ended or the time is early. */
  public List<AuthEffect> onDeadline(long nowNanos) {
    if (stage == Stage.DONE || stage == Stage.NEW || nowNanos - deadline < 0) {
      return List.of();
    }
    return timeout();
  }

  /** The peer closed or reset the handshake stream. */
  public List<AuthEffect> onStreamClosed() {
    if (stage == Stage.DONE) {
      return List.of();
    }
    return fail(AuthFailureReason.STREAM_CLOSED,
        peerLabel() + " closed the handshake stream while this node waited for " + awaited(), false);
  }

  /**
   * True while the peer may already consider the handshake done and be using the connection: the
   * server has answered and waits for the client's RESPONSE. Streams the client opens then are
   * legitimate and must be held unread; before it, they are a protocol violation.
   */
  public boolean peerMayHaveFinished() {
    return role == HandshakeRole.SERVER && stage == Stage.AWAIT_RESPONSE;
  }

  /**
   * This node gave the connection up itself (it is stopping, or the dialer closed a connection it
   * had begun to use before OK came): the handshake ends with no effect, neither success nor failure.
   */
  public void abandon() {
    stage = Stage.DONE;
  }

  /** True once the handshake completed, failed or was abandoned. */
  public boolean isDone() {
    return stage == Stage.DONE;
  }

  /** Why the handshake failed; empty while it runs and after success. */
  public Optional<AuthFailure> failure() {
    return Optional.ofNullable(failure);
  }

  private List<AuthEffect> onHello(AuthFrame.Hello hello, long nowNanos, long wallMillis) {
    NodeName claimed = hello.name();
    if (hello.version() != AuthFrameCodec.PROTOCOL_VERSION) {
      return fail(AuthFailureReason.UNSUPPORTED_VERSION, "'" + claimed + "' speaks auth protocol version "
          + hello.version() + ", this node speaks " + AuthFrameCodec.PROTOCOL_VERSION, true);
    }
    if (claimed.equals(self.name())) {
      return fail(AuthFailureReason.SELF_CONNECTION,
          "the peer claims this node's own name '" + claimed + "'", true);
    }
    if (expectedPeer != null && !expectedPeer.equals(claimed)) {
      return fail(AuthFailureReason.WRONG_PEER,
          "dialed '" + expectedPeer + "' but the node there is '" + claimed + "'", true);
    }
    byte[] key = hello.publicKey();
    TrustVerdict trusted;
    try {
      trusted = verdictFor(claimed, key);
    } catch (RuntimeException e) {
      return fail(AuthFailureReason.INTERNAL, "the trust policy failed for '" + claimed + "': " + e, true);
    }
    if (trusted == null) {
      return fail(AuthFailureReason.INTERNAL, "the trust policy gave no verdict for '" + claimed + "'", true);
    }
    if (!trusted.accepted()) {
      AuthFailureReason reason = trusted == TrustVerdict.KEY_MISMATCH
          ? AuthFailureReason.KEY_MISMATCH : AuthFailureReason.UNTRUSTED_KEY;
      String what = trusted == TrustVerdict.KEY_MISMATCH
          ? "presented key " + Fingerprint.of(key) + ", which differs from the key pinned for it"
          : "presented key " + Fingerprint.of(key) + ", which is not pinned (trust mode is strict)";
      return fail(reason, "'" + claimed + "' " + what, true);
    }
    peer = claimed;
    peerKey = key;
    peerIncarnation = hello.incarnation();
    verdict = trusted;
    stage = Stage.AWAIT_CHALLENGE;
    return List.of();
  }

  private TrustVerdict verdictFor(NodeName claimed, byte[] key) {
    if (!config.verifyIdentity() || config.isExempt(claimed)) {
      return TrustVerdict.EXEMPT;
    }
    return trust.check(claimed, key.clone());
  }

  private List<AuthEffect> onChallenge(AuthFrame.Challenge challenge, long nowNanos, long wallMillis) {
    if (!withinWindow(wallMillis, challenge.timestamp(), config.timestampWindow().toMillis())) {
      return fail(AuthFailureReason.TIMESTAMP_SKEW, "the clock of '" + peer + "' reads "
          + Long.toUnsignedString(challenge.timestamp()) + " ms while this node's reads " + wallMillis
          + " ms, more than the " + config.timestampWindow() + " window apart", true);
    }
    stage = Stage.AWAIT_RESPONSE;
    if (role == HandshakeRole.CLIENT) {
      peerChallenge = challenge; // answered once the server has proven itself
      return List.of();
    }
    return List.of(new AuthEffect.Send(ownHello()), new AuthEffect.Send(issueChallenge(nowNanos, wallMillis)),
        new AuthEffect.Send(answer(challenge)));
  }

  private List<AuthEffect> onResponse(AuthFrame.Response response, long nowNanos) {
    long elapsed = nowNanos - challengeIssuedAt;
    if (elapsed > windowNanos) {
      return fail(AuthFailureReason.CHALLENGE_EXPIRED, "'" + peer + "' answered the challenge after "
          + Duration.ofNanos(elapsed) + ", longer than the " + config.timestampWindow() + " window", true);
    }
    byte[] transcript = AuthTranscript.of(role.peer(), nonce, challengeTimestamp, peer, peerKey, binding);
    if (config.verifyIdentity() && !Ed25519.verify(peerKey, transcript, response.signature())) {
      return fail(AuthFailureReason.SIGNATURE_INVALID, "the signature of '" + peer
          + "' does not verify against its key and this connection's channel binding", true);
    }
    if (!secret.verifies(transcript, response.secretProof())) {
      return fail(AuthFailureReason.CLUSTER_SECRET_MISMATCH,
          "'" + peer + "' does not prove knowledge of this cluster's secret", true);
    }
    AuthEffect proven = new AuthEffect.Authenticated(peer, peerKey, verdict, peerIncarnation);
    if (role == HandshakeRole.CLIENT) {
      stage = Stage.AWAIT_OK;
      return List.of(new AuthEffect.Send(answer(peerChallenge)), proven);
    }
    stage = Stage.DONE;
    return List.of(new AuthEffect.Send(new AuthFrame.Ok()), proven, new AuthEffect.Completed());
  }

  private AuthFrame.Hello ownHello() {
    return new AuthFrame.Hello(AuthFrameCodec.PROTOCOL_VERSION, self.name(), selfKey, incarnation);
  }

  private AuthFrame.Challenge issueChallenge(long nowNanos, long wallMillis) {
    challengeTimestamp = wallMillis;
    challengeIssuedAt = nowNanos;
    return new AuthFrame.Challenge(nonce, wallMillis);
  }

  private AuthFrame.Response answer(AuthFrame.Challenge challenge) {
    byte[] transcript = AuthTranscript.of(role, challenge.nonce(), challenge.timestamp(), self.name(), selfKey, binding);
    return new AuthFrame.Response(self.sign(transcript), secret.prove(transcript));
  }

  private List<AuthEffect> timeout() {
    return fail(AuthFailureReason.TIMEOUT, "the handshake with " + peerLabel() + " did not finish within "
        + config.handshakeTimeout() + " (still waiting for " + awaited() + ")", true);
  }

  private List<AuthEffect> fail(AuthFailureReason reason, String detail, boolean tellPeer) {
    return failWith(new AuthFailure(reason, detail), tellPeer);
  }

  private List<AuthEffect> failWith(AuthFailure why, boolean tellPeer) {
    stage = Stage.DONE;
    failure = why;
    AuthEffect failed = new AuthEffect.Failed(why);
    if (!tellPeer) {
      return List.of(failed);
    }
    return List.of(new AuthEffect.Send(AuthFrame.Fail.of(why.reason(), textForPeer(why))), failed);
  }

  /** The peer's logs get the detail, except our own internals, which an unauthenticated peer must not learn. */
  private static String textForPeer(AuthFailure why) {
    return why.reason() == AuthFailureReason.INTERNAL ? "internal error on the peer; see its logs" : why.detail();
  }

  private String peerLabel() {
    if (peer != null) {
      return "'" + peer + "'";
    }
    return expectedPeer != null ? "'" + expectedPeer + "'" : "the peer";
  }

  private String awaited() {
    return switch (stage) {
      case NEW, AWAIT_HELLO -> "its HELLO";
      case AWAIT_CHALLENGE -> "its CHALLENGE";
      case AWAIT_RESPONSE -> "its RESPONSE";
      case AWAIT_OK -> "its OK";
      case DONE -> "nothing";
    };
  }

  private static String frameName(AuthFrame frame) {
    return frame.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * |wall - timestamp| <= window. A timestamp at or past 2^63 (negative as a long) is a clock no
   * real peer has, and ruling it out first also rules out overflow in the subtraction.
   */
  static boolean withinWindow(long wall, long timestamp, long window) {
    if (wall < 0 || timestamp < 0) {
      return false;
    }
    return Math.abs(wall - timestamp) <= window;
  }

  /** Durations too long for a long of nanoseconds are capped far below overflow of now + it. */
  private static long saturatedNanos(Duration duration) {
    long cap = Long.MAX_VALUE / 4;
    return duration.compareTo(Duration.ofNanos(cap)) > 0 ? cap : duration.toNanos();
  }
}
