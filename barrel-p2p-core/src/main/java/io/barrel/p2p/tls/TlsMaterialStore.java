package io.barrel.p2p.tls;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.MaterialBackup;
import io.barrel.p2p.identity.SecretFile;
import io.barrel.p2p.identity.SecretWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's QUIC certificate and key on disk: {@code node.crt} (PEM "CERTIFICATE") and
 * {@code node.key} (PEM PKCS#8 "PRIVATE KEY"), both written owner-only and atomically.
 *
 * <p>Generated on first start and reused afterwards, so the certificate hash peers see stays stable
 * across restarts. Files an operator supplies are accepted too (an EC, RSA or Ed25519 key; PKCS#8 or
 * SEC1 "EC PRIVATE KEY"), provided the key is the certificate's. A certificate that has expired is
 * replaced on load, its files backed up as in a rotation: nothing validates it, but a peer's TLS stack
 * may still refuse an expired one.
 */
public final class TlsMaterialStore {

  private static final Logger LOG = LoggerFactory.getLogger(TlsMaterialStore.class);

  /** File name of the certificate. */
  public static final String CERT_FILE = "node.crt";
  /** File name of the private key. */
  public static final String KEY_FILE = "node.key";

  /** PEM files of ours are under 2 KiB; a generous bound keeps a wrong file from being read whole. */
  private static final long MAX_PEM_SIZE = 64 * 1024;

  private final Path quicDir;
  private final Path certFile;
  private final Path keyFile;
  private final Clock clock;
  private final SecureRandom random;
  private final SecretWriter writer;
  private final MaterialBackup backup;

  /** A store for the material in {@code quicDir} (created on first use, mode 0700). */
  public TlsMaterialStore(Path quicDir) {
    this(quicDir, Clock.systemUTC(), new SecureRandom(), SecretWriter.ATOMIC);
  }

  TlsMaterialStore(Path quicDir, Clock clock, SecureRandom random, SecretWriter writer) {
    this.quicDir = Objects.requireNonNull(quicDir, "quicDir");
    this.certFile = quicDir.resolve(CERT_FILE);
    this.keyFile = quicDir.resolve(KEY_FILE);
    this.clock = clock;
    this.random = random;
    this.writer = writer;
    this.backup = new MaterialBackup(quicDir, List.of(KEY_FILE, CERT_FILE), clock);
  }

  /**
   * Loads the certificate and key, generating them on first start (or when one of the two files is
   * missing, or the certificate has expired; existing files are backed up first).
   *
   * @throws TlsMaterialException when the files cannot be parsed, do not belong together, or cannot
   *     be written
   */
  public synchronized TlsMaterial loadOrCreate(NodeName node) {
    Objects.requireNonNull(node, "node");
    open();
    boolean hasCert = Files.exists(certFile, LinkOption.NOFOLLOW_LINKS);
    boolean hasKey = Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS);
    if (!hasCert && !hasKey) {
      TlsMaterial material = SelfSignedCertificate.generate(node, clock, random);
      replaceWith(material);
      LOG.info("Created a QUIC certificate for {} in {}: sha256 {}", node, quicDir, material.fingerprintHex());
      return material;
    }
    if (hasCert != hasKey) {
      Path present = hasCert ? certFile : keyFile;
      LOG.warn("{} exists without {}; generating a new certificate and key (the old file is backed up)",
          present, hasCert ? keyFile : certFile);
      return rotate(node).material();
    }
    TlsMaterial material = load();
    Instant now = clock.instant();
    if (material.certificate().getNotAfter().toInstant().isBefore(now)) {
      LOG.warn("{} expired on {}; generating a new certificate and key", certFile,
          material.certificate().getNotAfter().toInstant());
      return rotate(node).material();
    }
    LOG.debug("Loaded QUIC certificate {} from {}", material, quicDir);
    return material;
  }

  /**
   * Replaces the certificate and key with new ones after backing up the current files into
   * {@code backups/<UTC timestamp>/}; if writing fails the previous files are put back.
   *
   * @throws TlsMaterialException when the backup or the new files cannot be written
   */
  public synchronized CertificateRotation rotate(NodeName node) {
    Objects.requireNonNull(node, "node");
    open();
    TlsMaterial material = SelfSignedCertificate.generate(node, clock, random);
    Path backupDir = replaceWith(material);
    LOG.info("Rotated the QUIC certificate of {}: sha256 {}{}", node, material.fingerprintHex(),
        backupDir == null ? "" : ", previous files saved in " + backupDir);
    return new CertificateRotation(material, backupDir);
  }

  private Path replaceWith(TlsMaterial material) {
    byte[] keyPem = pem("PRIVATE KEY", material.privateKey().getEncoded());
    try {
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put(KEY_FILE, keyPem);
      files.put(CERT_FILE, pem("CERTIFICATE", encoded(material.certificate())));
      return backup.replace(files, writer);
    } catch (IOException e) {
      throw new TlsMaterialException("could not write the QUIC certificate and key in " + quicDir + ": "
          + e.getMessage(), e);
    } finally {
      Arrays.fill(keyPem, (byte) 0);
    }
  }

  private TlsMaterial load() {
    X509Certificate certificate = readCertificate();
    PrivateKey key = readPrivateKey();
    SecretFile.warnIfReadableByOthers(keyFile);
    if (!belongTogether(certificate, key)) {
      throw new TlsMaterialException(keyFile + " is not the private key of the certificate in " + certFile
          + "; restore both files from the same backup (see " + quicDir.resolve(MaterialBackup.BACKUPS)
          + ") or delete both to generate new ones");
    }
    return new TlsMaterial(certificate, key);
  }

  private X509Certificate readCertificate() {
    Object pem = readPem(certFile);
    if (!(pem instanceof X509CertificateHolder holder)) {
      throw new TlsMaterialException(certFile + " does not hold a PEM \"CERTIFICATE\" block" + found(pem)
          + "; replace it with the node's certificate, or delete " + CERT_FILE + " and " + KEY_FILE
          + " to generate new ones");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new TlsMaterialException(certFile + " holds a certificate this JVM cannot read (" + e.getMessage()
          + "); delete " + CERT_FILE + " and " + KEY_FILE + " to generate new ones", e);
    }
  }

  private PrivateKey readPrivateKey() {
    Object pem = readPem(keyFile);
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      if (pem instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (pem instanceof PEMKeyPair pair) {
        // Only the private half: a SEC1 key need not carry its public key.
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
    } catch (IOException e) {
      throw new TlsMaterialException(keyFile + " holds a private key this JVM cannot load (" + e.getMessage()
          + "); use an EC (P-256), RSA or Ed25519 key, or delete " + CERT_FILE + " and " + KEY_FILE
          + " to generate new ones", e);
    }
    throw new TlsMaterialException(keyFile + " does not hold an unencrypted PEM \"PRIVATE KEY\" or \"EC PRIVATE KEY\" "
        + "block" + found(pem) + "; store the key unencrypted (mode 0600), or delete " + CERT_FILE + " and "
        + KEY_FILE + " to generate new ones");
  }

  private Object readPem(Path file) {
    try {
      long size = Files.size(file);
      if (size > MAX_PEM_SIZE) {
        throw new TlsMaterialException(file + " is " + size + " bytes, too large to be a PEM certificate or key; "
            + "check that the right file is in " + quicDir);
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII);
      try (PEMParser parser = new PEMParser(new StringReader(text))) {
        // BouncyCastle's PEM parser on the node's own 0600 file, not Java deserialization.
        return parser.readObject();
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new TlsMaterialException("could not read " + file + " as PEM (" + e.getMessage() + "); replace it, or "
          + "delete " + CERT_FILE + " and " + KEY_FILE + " to generate new ones", e);
    }
  }

  private static String found(Object pem) {
    return pem == null ? " (no PEM block found)" : " (found " + pem.getClass().getSimpleName() + ")";
  }

  /** Signs a random challenge with the key and checks it against the certificate's public key. */
  private boolean belongTogether(X509Certificate certificate, PrivateKey key) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new TlsMaterialException(keyFile + " holds a " + key.getAlgorithm() + " key; use an EC "
          + "(P-256), RSA or Ed25519 key, or delete " + CERT_FILE + " and " + KEY_FILE + " to generate new ones");
    };
    try {
      byte[] challenge = new byte[32];
      random.nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an RSA key next to an EC certificate
    }
  }

  private void open() {
    try {
      SecretFile.ensurePrivateDirectory(quicDir);
      SecretFile.removeStaleTemps(quicDir);
    } catch (IOException e) {
      throw new TlsMaterialException("cannot use " + quicDir + " for the QUIC certificate: " + e.getMessage()
          + "; make it writable by this process or configure another certificate directory", e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new TlsMaterialException("the generated certificate cannot be DER-encoded: " + e.getMessage(), e);
    }
  }

  private static byte[] pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new IllegalStateException("writing PEM to memory failed", e);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
