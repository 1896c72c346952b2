package io.barrel.p2p.tls;

import io.barrel.p2p.identity.Fingerprint;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The certificate and private key a node presents in QUIC's TLS handshake. TLS does not validate
 * them (the Ed25519 handshake proves identity); the SHA-256 of the certificate's DER is what that
 * handshake signs, binding the proof to this TLS session so a relay that terminates TLS is caught.
 */
public final class TlsMaterial {

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final byte[] certificateSha256;

  /** Pairs a certificate with its private key (the caller has checked that they match). */
  public TlsMaterial(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    try {
      this.certificateSha256 = Fingerprint.sha256(certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new TlsMaterialException("the certificate for " + certificate.getSubjectX500Principal()
          + " cannot be DER-encoded; regenerate it (rotate the certificate)", e);
    }
  }

  /** The self-signed certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The certificate's private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** SHA-256 of the certificate's DER encoding: the channel binding (a copy). */
  public byte[] certificateSha256() {
    return certificateSha256.clone();
  }

  /** The channel binding as lowercase hex, for logs and operators. */
  public String fingerprintHex() {
    return HexFormat.of().formatHex(certificateSha256);
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "TlsMaterial[" + certificate.getSubjectX500Principal() + ", sha256 " + fingerprintHex() + ", expires "
        + certificate.getNotAfter().toInstant() + "]";
  }
}
