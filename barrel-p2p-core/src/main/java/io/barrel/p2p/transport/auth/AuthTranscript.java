package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.Ed25519;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The bytes a node signs (Ed25519) and MACs (cluster-secret proof) to answer its peer's challenge.
 *
 * <pre>
 *  +----------------------+------+--------------+-------------+-----+-------------+-------------+--------------+
 *  | "barrel-p2p/auth/1"  | role | nonce (32)   | timestamp   | n   | signer name | signer key  | binding (32) |
 *  | ASCII, 17 bytes      | u8   | challenger's | u64 BE      | u8  | n bytes     | 32 bytes    | SHA-256      |
 *  +----------------------+------+--------------+-------------+-----+-------------+-------------+--------------+
 * </pre>
 *
 * <ul>
 *   <li>The context string keeps these signatures from being valid for any other protocol or
 *       version that the same key signs for.
 *   <li>role = 0 when the client (dialer) signs, 1 when the server signs, so a signature one side
 *       made cannot be reflected back as the other side's answer.
 *   <li>nonce and timestamp are the challenger's, exactly as its CHALLENGE carried them: fresh per
 *       connection, which is what defeats replay.
 *   <li>The signer's name and key bind the answer to the identity claimed in its HELLO (the
 *       reference system signed the key only, leaving the name unbound).
 *   <li>binding is SHA-256 of the server's TLS certificate DER as each side sees it; a relay that
 *       terminates TLS shows the client another certificate, so the two sides disagree on it and
 *       every signature fails.
 * </ul>
 */
public final class AuthTranscript {

  /** Domain separation for everything signed by this protocol version. */
  static final byte[] CONTEXT = "barrel-p2p/auth/1".getBytes(StandardCharsets.US_ASCII);
  /** Size of the channel binding: a SHA-256 digest. */
  public static final int BINDING_SIZE = 32;

  private AuthTranscript() {}

  /**
   * The transcript {@code signer} answers the challenge ({@code nonce}, {@code timestamp}) with.
   *
   * @param signerRole the role of the node that signs
   * @param nonce the challenger's 32-byte nonce
   * @param timestamp the challenger's timestamp, as carried in its CHALLENGE
   * @param signer the signer's node name
   * @param signerKey the signer's 32-byte public key
   * @param binding SHA-256 of the server's certificate DER
   */
  public static byte[] of(HandshakeRole signerRole, byte[] nonce, long timestamp, NodeName signer,
      byte[] signerKey, byte[] binding) {
    Objects.requireNonNull(signerRole, "signerRole");
    byte[] name = signer.toBytes();
    requireSize(nonce, AuthFrame.NONCE_SIZE, "nonce");
    requireSize(signerKey, Ed25519.KEY_SIZE, "signer key");
    requireSize(binding, BINDING_SIZE, "channel binding");
    return ByteBuffer.allocate(CONTEXT.length + 1 + nonce.length + Long.BYTES + 1 + name.length
            + signerKey.length + binding.length)
        .put(CONTEXT)
        .put((byte) signerRole.transcriptByte())
        .put(nonce)
        .putLong(timestamp)
        .put((byte) name.length)
        .put(name)
        .put(signerKey)
        .put(binding)
        .array();
  }

  private static void requireSize(byte[] value, int size, String what) {
    if (value == null || value.length != size) {
      throw new IllegalArgumentException(what + " must be " + size + " bytes");
    }
  }
}
