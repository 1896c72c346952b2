package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.Fingerprint;
import io.barrel.p2p.identity.TrustVerdict;
import java.util.Arrays;
import java.util.Objects;

/** What the handshake asks its driver to do; the driver carries effects out in list order. */
public sealed interface AuthEffect
    permits AuthEffect.Send, AuthEffect.ArmDeadline, AuthEffect.Authenticated, AuthEffect.Completed,
    AuthEffect.Failed {

  /**
   * Write a frame to the handshake stream.
   *
   * @param frame the frame to encode and write
   */
  record Send(AuthFrame frame) implements AuthEffect {
    /** Checks the frame is present. */
    public Send {
      Objects.requireNonNull(frame, "frame");
    }
  }

  /**
   * Call {@link AuthHandshake#onDeadline(long)} once the monotonic clock reaches this value.
   *
   * @param deadlineNanos the monotonic time, in the same clock as the {@code nowNanos} arguments
   */
  record ArmDeadline(long deadlineNanos) implements AuthEffect {}

  /**
   * The peer proved its identity: the connection now belongs to {@code peer} and may carry traffic.
   * With verdict {@link TrustVerdict#FIRST_USE} the driver pins the key. On the server,
   * {@link Completed} follows at once; on the client, the server's OK is still to come, and a
   * {@link Failed} instead of it means closing the connection that was already in use.
   *
   * @param peer the authenticated node name
   * @param publicKey the peer's 32-byte Ed25519 key
   * @param verdict what the trust policy said (EXEMPT when the peer is exempt or identity checks are off)
   * @param incarnation when the peer's current life began, as its HELLO said (wall-clock ms)
   */
  record Authenticated(NodeName peer, byte[] publicKey, TrustVerdict verdict, long incarnation)
      implements AuthEffect {
    /** Checks and copies the fields. */
    public Authenticated {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(verdict, "verdict");
      publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
    }

    /** A copy of the peer's public key. */
    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Authenticated a && a.peer.equals(peer) && a.verdict == verdict
          && Arrays.equals(a.publicKey, publicKey) && a.incarnation == incarnation;
    }

    @Override
    public int hashCode() {
      return Objects.hash(peer, verdict, Arrays.hashCode(publicKey), incarnation);
    }

    @Override
    public String toString() {
      String key = publicKey.length == 32 ? Fingerprint.of(publicKey).toString() : publicKey.length + " bytes";
      return "Authenticated[peer=" + peer + ", key=" + key + ", verdict=" + verdict + ", incarnation=" + incarnation
          + "]";
    }
  }

  /**
   * Both sides accepted each other: the handshake is over (count it as a success) and its stream
   * can be closed.
   */
  record Completed() implements AuthEffect {}

  /**
   * The handshake failed: close the connection. Any FAIL frame to tell the peer comes first as a
   * {@link Send}.
   *
   * @param failure why
   */
  record Failed(AuthFailure failure) implements AuthEffect {
    /** Checks the failure is present. */
    public Failed {
      Objects.requireNonNull(failure, "failure");
    }
  }
}
