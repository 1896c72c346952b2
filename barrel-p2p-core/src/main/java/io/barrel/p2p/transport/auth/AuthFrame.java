package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.Ed25519;
import io.barrel.p2p.identity.Fingerprint;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One frame of the authentication handshake. The byte layouts are drawn in {@link AuthFrameCodec}.
 * Every record checks its fields on construction, so any frame that exists can be encoded.
 */
public sealed interface AuthFrame
    permits AuthFrame.Hello, AuthFrame.Challenge, AuthFrame.Response, AuthFrame.Ok, AuthFrame.Fail {

  /** Size of a challenge nonce, in bytes. */
  int NONCE_SIZE = 32;
  /** Size of a cluster-secret proof (HMAC-SHA256), in bytes. */
  int PROOF_SIZE = 32;
  /** Longest text a FAIL frame carries. */
  int MAX_FAIL_TEXT = 200;

  /**
   * "I am {@code name}, in my life {@code incarnation}, and this is my key": the first frame from
   * each side.
   *
   * @param version the sender's protocol version, 0..255
   * @param name the sender's node name
   * @param publicKey the sender's 32-byte Ed25519 public key
   * @param incarnation when the sender's current life (process run) began, in wall-clock
   *     milliseconds: a restarted node presents a larger one, which lets a peer that still holds a
   *     connection to the dead life replace it at once (see {@code DuplicateRule}). Versions
   *     before 3 do not carry it: 0.
   */
  record Hello(int version, NodeName name, byte[] publicKey, long incarnation) implements AuthFrame {
    /** Checks and copies the fields. */
    public Hello {
      if (version < 0 || version > 0xff) {
        throw new IllegalArgumentException("protocol version must fit in a byte, got " + version);
      }
      Objects.requireNonNull(name, "name");
      publicKey = exact(publicKey, Ed25519.KEY_SIZE, "public key");
      if (incarnation < 0) {
        throw new IllegalArgumentException("incarnation must not be negative, got " + incarnation);
      }
      if (version < AuthFrameCodec.FIRST_VERSION_WITH_INCARNATION && incarnation != 0) {
        throw new IllegalArgumentException("a version " + version + " HELLO carries no incarnation");
      }
    }

    /** A copy of the public key. */
    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hello h && h.version == version && h.name.equals(name)
          && Arrays.equals(h.publicKey, publicKey) && h.incarnation == incarnation;
    }

    @Override
    public int hashCode() {
      return Objects.hash(version, name, Arrays.hashCode(publicKey), incarnation);
    }

    @Override
    public String toString() {
      return "Hello[version=" + version + ", name=" + name + ", key=" + Fingerprint.of(publicKey) + ", incarnation="
          + incarnation + "]";
    }
  }

  /**
   * "Sign this": a fresh nonce and the sender's wall clock.
   *
   * @param nonce 32 random bytes, fresh per handshake
   * @param timestamp the sender's wall clock in ms since the epoch, an unsigned 64-bit value
   */
  record Challenge(byte[] nonce, long timestamp) implements AuthFrame {
    /** Checks and copies the nonce. */
    public Challenge {
      nonce = exact(nonce, NONCE_SIZE, "nonce");
    }

    /** A copy of the nonce. */
    @Override
    public byte[] nonce() {
      return nonce.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Challenge c && c.timestamp == timestamp && Arrays.equals(c.nonce, nonce);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(nonce) + Long.hashCode(timestamp);
    }

    @Override
    public String toString() {
      return "Challenge[nonce=" + shortHex(nonce) + ", timestamp=" + Long.toUnsignedString(timestamp) + "]";
    }
  }

  /**
   * The answer to the peer's challenge: an Ed25519 signature and a proof of the cluster secret, both
   * over the same transcript.
   *
   * @param signature 64-byte Ed25519 signature over the {@link AuthTranscript}
   * @param secretProof 32-byte HMAC-SHA256 of the transcript under the cluster key
   */
  record Response(byte[] signature, byte[] secretProof) implements AuthFrame {
    /** Checks and copies the fields. */
    public Response {
      signature = exact(signature, Ed25519.SIGNATURE_SIZE, "signature");
      secretProof = exact(secretProof, PROOF_SIZE, "secret proof");
    }

    /** A copy of the signature. */
    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /** A copy of the secret proof. */
    @Override
    public byte[] secretProof() {
      return secretProof.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Response r && Arrays.equals(r.signature, signature)
          && Arrays.equals(r.secretProof, secretProof);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(signature) + Arrays.hashCode(secretProof);
    }

    @Override
    public String toString() {
      return "Response[signature=" + shortHex(signature) + ", secretProof=" + shortHex(secretProof) + "]";
    }
  }

  /** The server's last word: the client is authenticated. */
  record Ok() implements AuthFrame {}

  /**
   * The sender gives up, and says why.
   *
   * @param reason why, as a wire code
   * @param text a short explanation for the peer's logs: printable ASCII, at most 200 characters
   */
  record Fail(AuthFailureReason reason, String text) implements AuthFrame {
    /** Checks the fields; use {@link #of} for text that is not known to be clean. */
    public Fail {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(text, "text");
      if (text.length() > MAX_FAIL_TEXT) {
        throw new IllegalArgumentException("FAIL text is limited to " + MAX_FAIL_TEXT + " characters");
      }
      for (int i = 0; i < text.length(); i++) {
        if (!printable(text.charAt(i))) {
          throw new IllegalArgumentException("FAIL text must be printable ASCII");
        }
      }
    }

    /** A FAIL frame whose text is made printable and cut to length. */
    public static Fail of(AuthFailureReason reason, String anyText) {
      String source = anyText == null ? "" : anyText;
      StringBuilder clean = new StringBuilder(Math.min(source.length(), MAX_FAIL_TEXT));
      for (int i = 0; i < source.length() && clean.length() < MAX_FAIL_TEXT; i++) {
        char c = source.charAt(i);
        clean.append(printable(c) ? c : '?');
      }
      return new Fail(reason, clean.toString());
    }

    /** True for the characters a FAIL text may carry: ASCII 0x20..0x7e. */
    static boolean printable(int c) {
      return c >= 0x20 && c <= 0x7e;
    }
  }

  private static byte[] exact(byte[] value, int size, String what) {
    if (value == null || value.length != size) {
      throw new IllegalArgumentException(
          what + " must be " + size + " bytes, got " + (value == null ? "null" : value.length));
    }
    return value.clone();
  }

  private static String shortHex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes, 0, 4) + "…";
  }
}
