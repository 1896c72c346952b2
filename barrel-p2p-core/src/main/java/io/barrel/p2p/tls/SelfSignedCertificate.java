package io.barrel.p2p.tls;

import io.barrel.p2p.NodeName;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates the node's QUIC certificate: an ECDSA P-256 key and a self-signed X.509 v3 certificate
 * for {@code CN=<node name>, O=Barrel P2P}, valid from five minutes ago (peers' clocks drift) for
 * 365 days, usable as a TLS client and server leaf and for nothing else.
 *
 * <p>BouncyCastle only builds and encodes the certificate; the key pair and the signature come from
 * the JDK's own providers, so nothing is added to the JVM-wide provider list.
 */
public final class SelfSignedCertificate {

  /** Organisation put in every certificate, to recognise them among others. */
  public static final String ORGANISATION = "Barrel P2P";
  /** How far back notBefore is set, so a peer whose clock is a little behind accepts the certificate. */
  public static final Duration BACKDATE = Duration.ofSeconds(300);
  /** How long a certificate is valid. */
  public static final Duration VALIDITY = Duration.ofDays(365);

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final int SERIAL_BYTES = 16;

  private SelfSignedCertificate() {}

  /** Generates fresh material for {@code node}, dated by {@code clock}. */
  public static TlsMaterial generate(NodeName node, Clock clock) {
    return generate(node, clock, new SecureRandom());
  }

  static TlsMaterial generate(NodeName node, Clock clock, SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair keys = generator.generateKeyPair();

      // Parsed by the JDK so "CN=..., O=..." is read the standard (RFC 4514) way, most specific first.
      // Node names hold no character that needs escaping in a distinguished name.
      X500Name subject = X500Name.getInstance(
          new X500Principal("CN=" + node + ", O=" + ORGANISATION).getEncoded());
      Instant now = clock.instant();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          subject, serial(random), Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)),
          subject, keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));

      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).setSecureRandom(random)
          .build(keys.getPrivate());
      X509CertificateHolder holder = builder.build(signer);
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
      return new TlsMaterial(certificate, keys.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new TlsMaterialException("could not generate a P-256 certificate for '" + node + "' (" + e.getMessage()
          + "); this JVM needs the SunEC provider (secp256r1, SHA256withECDSA)", e);
    }
  }

  /**
   * 16 random bytes with the top bit cleared (a positive 127-bit number, as RFC 5280 wants serials
   * positive and at most 20 octets) and the next bit set, so the DER encoding always has the same
   * length and the serial is never small: 126 random bits remain.
   */
  static BigInteger serial(SecureRandom random) {
    byte[] bytes = new byte[SERIAL_BYTES];
    random.nextBytes(bytes);
    bytes[0] = (byte) ((bytes[0] & 0x7f) | 0x40);
    return new BigInteger(1, bytes);
  }
}
