package io.barrel.p2p.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.SecretFile;
import io.barrel.p2p.identity.SecretWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialStoreTest {

  private static final NodeName NODE = NodeName.of("a@h1");
  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

  @TempDir Path root;

  private Path quicDir() {
    return root.resolve("data/quic");
  }

  private TlsMaterialStore store(Instant now) {
    return new TlsMaterialStore(quicDir(), Clock.fixed(now, ZoneOffset.UTC), new SecureRandom(), SecretWriter.ATOMIC);
  }

  private TlsMaterialStore store() {
    return store(NOW);
  }

  @Test
  void firstStartWritesPemFilesOwnerOnly() throws IOException {
    store().loadOrCreate(NODE);

    Path crt = quicDir().resolve("node.crt");
    Path key = quicDir().resolve("node.key");
    assertThat(Files.readString(crt)).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(mode(key)).isEqualTo("rw-------");
    assertThat(mode(crt)).isEqualTo("rw-------");
    assertThat(mode(quicDir())).isEqualTo("rwx------");
  }

  @Test
  void secondStartReusesTheSameCertificate() throws Exception {
    TlsMaterial first = new TlsMaterialStore(quicDir()).loadOrCreate(NODE);

    TlsMaterial second = new TlsMaterialStore(quicDir()).loadOrCreate(NODE);

    assertThat(second.certificate().getEncoded()).isEqualTo(first.certificate().getEncoded());
    assertThat(second.certificateSha256()).isEqualTo(first.certificateSha256());
    assertThat(second.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
  }

  @Test
  void keyThatIsNotTheCertificatesIsRefused() throws IOException {
    store().loadOrCreate(NODE);
    Path otherDir = root.resolve("other");
    new TlsMaterialStore(otherDir).loadOrCreate(NODE);
    Files.copy(otherDir.resolve("node.key"), quicDir().resolve("node.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> store().loadOrCreate(NODE))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining(quicDir().resolve("node.key") + " is not the private key of the certificate in "
            + quicDir().resolve("node.crt"))
        .hasMessageContaining("delete both");
  }

  @Test
  void fileThatIsNotPemIsRefusedWithItsName() throws IOException {
    store().loadOrCreate(NODE);
    Files.writeString(quicDir().resolve("node.crt"), "this is not a certificate\n");

    assertThatThrownBy(() -> store().loadOrCreate(NODE))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining(quicDir().resolve("node.crt").toString())
        .hasMessageContaining("CERTIFICATE");
  }

  @Test
  void keyInPlaceOfTheCertificateIsRefused() throws IOException {
    store().loadOrCreate(NODE);
    Files.copy(quicDir().resolve("node.key"), quicDir().resolve("node.crt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> store().loadOrCreate(NODE))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("does not hold a PEM \"CERTIFICATE\" block");
  }

  @Test
  void sec1EcPrivateKeyFromOpensslIsAccepted() throws Exception {
    TlsMaterial original = store().loadOrCreate(NODE);
    // What 'openssl ecparam -genkey' writes: SEC1 with the curve OID and the public point inside.
    java.math.BigInteger s = ((java.security.interfaces.ECPrivateKey) original.privateKey()).getS();
    org.bouncycastle.asn1.ASN1BitString point = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
        .getInstance(original.certificate().getPublicKey().getEncoded()).getPublicKeyData();
    byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, s, point,
        org.bouncycastle.asn1.x9.X9ObjectIdentifiers.prime256v1).getEncoded();
    StringWriter pem = new StringWriter();
    try (PemWriter writer = new PemWriter(pem)) {
      writer.writeObject(new PemObject("EC PRIVATE KEY", sec1));
    }
    Files.writeString(quicDir().resolve("node.key"), pem.toString());

    TlsMaterial loaded = store().loadOrCreate(NODE);

    assertThat(loaded.certificateSha256()).isEqualTo(original.certificateSha256());
  }

  @Test
  void expiredCertificateIsReplacedAndBackedUp() throws Exception {
    TlsMaterial old = store().loadOrCreate(NODE);
    Instant later = NOW.plus(Duration.ofDays(366));

    TlsMaterial renewed = store(later).loadOrCreate(NODE);

    assertThat(renewed.certificateSha256()).isNotEqualTo(old.certificateSha256());
    assertThat(renewed.certificate().getNotAfter().toInstant()).isAfter(later);
    assertThat(backups()).hasSize(1);
    assertThat(Files.readAllBytes(backups().get(0).resolve("node.crt")))
        .isEqualTo(pemOf(old));
  }

  @Test
  void loneKeyFileIsBackedUpAndBothRegenerated() throws IOException {
    store().loadOrCreate(NODE);
    byte[] key = Files.readAllBytes(quicDir().resolve("node.key"));
    Files.delete(quicDir().resolve("node.crt"));

    store().loadOrCreate(NODE);

    assertThat(Files.exists(quicDir().resolve("node.crt"))).isTrue();
    assertThat(backups()).hasSize(1);
    assertThat(Files.readAllBytes(backups().get(0).resolve("node.key"))).isEqualTo(key);
    assertThat(Files.exists(backups().get(0).resolve("node.crt"))).isFalse();
  }

  @Test
  void rotationBacksUpTheOldFilesOwnerOnlyAndWritesNewOnes() throws Exception {
    TlsMaterialStore store = store();
    store.loadOrCreate(NODE);
    byte[] oldCrt = Files.readAllBytes(quicDir().resolve("node.crt"));
    byte[] oldKey = Files.readAllBytes(quicDir().resolve("node.key"));

    CertificateRotation rotation = store.rotate(NODE);

    Path backup = rotation.backupDir();
    assertThat(backup).isEqualTo(quicDir().resolve("backups/20250304T050607Z"));
    assertThat(Files.readAllBytes(backup.resolve("node.crt"))).isEqualTo(oldCrt);
    assertThat(Files.readAllBytes(backup.resolve("node.key"))).isEqualTo(oldKey);
    assertThat(mode(backup)).isEqualTo("rwx------");
    assertThat(mode(backup.resolve("node.key"))).isEqualTo("rw-------");
    assertThat(mode(backup.resolve("node.crt"))).isEqualTo("rw-------");
    assertThat(Files.readAllBytes(quicDir().resolve("node.crt"))).isNotEqualTo(oldCrt);
    assertThat(store().loadOrCreate(NODE).certificateSha256()).isEqualTo(rotation.material().certificateSha256());
    assertThat(store.rotate(NODE).backupDir().getFileName()).hasToString("20250304T050607Z-1");
  }

  @Test
  void failedRotationPutsTheOldFilesBack() throws IOException {
    TlsMaterial old = store().loadOrCreate(NODE);
    TlsMaterialStore failing = new TlsMaterialStore(quicDir(), Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom(),
        (target, content) -> {
          if (target.getFileName().toString().equals("node.crt")) {
            throw new IOException("no space left on device");
          }
          SecretFile.write(target, content);
        });

    assertThatThrownBy(() -> failing.rotate(NODE))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("no space left on device")
        .hasMessageContaining("were put back");

    assertThat(store().loadOrCreate(NODE).certificateSha256()).isEqualTo(old.certificateSha256());
  }

  private List<Path> backups() throws IOException {
    try (Stream<Path> dirs = Files.list(quicDir().resolve("backups"))) {
      return dirs.sorted().toList();
    }
  }

  private static byte[] pemOf(TlsMaterial material) throws Exception {
    StringWriter pem = new StringWriter();
    try (PemWriter writer = new PemWriter(pem)) {
      writer.writeObject(new PemObject("CERTIFICATE", material.certificate().getEncoded()));
    }
    return pem.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
