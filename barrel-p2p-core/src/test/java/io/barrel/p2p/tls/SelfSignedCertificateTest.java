package io.barrel.p2p.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.Fingerprint;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelfSignedCertificateTest {

  private static final NodeName NODE = NodeName.of("a@h1");
  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final TlsMaterial material = SelfSignedCertificate.generate(NODE, CLOCK);
  private final X509Certificate cert = material.certificate();

  @Test
  void keyIsEcdsaOnP256() throws Exception {
    KeyPairGenerator reference = KeyPairGenerator.getInstance("EC");
    reference.initialize(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec p256 = ((ECPublicKey) reference.generateKeyPair().getPublic()).getParams();

    ECParameterSpec actual = ((ECPublicKey) cert.getPublicKey()).getParams();

    assertThat(actual.getCurve()).isEqualTo(p256.getCurve());
    assertThat(actual.getOrder()).isEqualTo(p256.getOrder());
    assertThat(actual.getGenerator()).isEqualTo(p256.getGenerator());
    assertThat(material.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(material.privateKey().getFormat()).isEqualTo("PKCS#8");
  }

  @Test
  void certificateIsSelfSignedVersion3WithEcdsaSha256() throws Exception {
    cert.verify(cert.getPublicKey());

    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=a@h1,O=Barrel P2P");
  }

  @Test
  void serialIsPositive127BitsAtLeastTwoToThe63AndFreshEachTime() {
    Set<BigInteger> serials = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      BigInteger serial = SelfSignedCertificate.generate(NODE, CLOCK).certificate().getSerialNumber();
      assertThat(serial.signum()).isPositive();
      assertThat(serial.bitLength()).isEqualTo(127);
      assertThat(serial).isGreaterThanOrEqualTo(BigInteger.TWO.pow(63));
      serials.add(serial);
    }
    assertThat(serials).hasSize(20);
  }

  @Test
  void validityIsBackdatedFiveMinutesAndLastsAYear() {
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(300));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
  }

  @Test
  void extensionsMakeItALeafForTlsClientAndServerOnly() throws Exception {
    assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    assertThat(cert.getNonCriticalExtensionOIDs()).containsExactly("2.5.29.37");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1); // not a CA
    boolean[] keyUsage = cert.getKeyUsage();
    assertThat(keyUsage[0]).as("digitalSignature").isTrue();
    for (int i = 1; i < keyUsage.length; i++) {
      assertThat(keyUsage[i]).as("key usage bit %d", i).isFalse();
    }
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
  }

  @Test
  void channelBindingIsTheSha256OfTheDer() throws Exception {
    byte[] expected = Fingerprint.sha256(cert.getEncoded());

    assertThat(material.certificateSha256()).isEqualTo(expected);
    assertThat(material.fingerprintHex()).isEqualTo(java.util.HexFormat.of().formatHex(expected));
    material.certificateSha256()[0] ^= 1;
    assertThat(material.certificateSha256()).isEqualTo(expected);
  }

  @Test
  void describingTheMaterialNeverPrintsTheKey() {
    String key = java.util.HexFormat.of().formatHex(material.privateKey().getEncoded());

    assertThat(material.toString()).contains("a@h1").contains(material.fingerprintHex()).doesNotContain(key);
  }

  @Test
  void datesAfter2049AreStillEncoded() throws Exception {
    TlsMaterial late = SelfSignedCertificate.generate(NODE, Clock.fixed(Instant.parse("2049-12-01T00:00:00Z"),
        ZoneOffset.UTC));

    late.certificate().verify(late.certificate().getPublicKey());
    assertThat(late.certificate().getNotAfter().toInstant()).isEqualTo(Instant.parse("2050-12-01T00:00:00Z"));
  }
}
