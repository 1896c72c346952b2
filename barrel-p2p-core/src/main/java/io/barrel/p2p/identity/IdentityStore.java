package io.barrel.p2p.identity;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own Ed25519 key pair on disk: {@code node.key} (the raw 32-byte private seed) and
 * {@code node.pub} (the raw 32-byte public key, the file operators hand to peers that pin strictly),
 * both mode 0600 in a 0700 directory.
 *
 * <p>A key pair is generated on first start and loaded afterwards. Loading never invents a new
 * identity over damaged files, because peers that pinned the old key would refuse the new one; it
 * stops with an {@link IdentityException} that says which file is wrong and how to recover. The one
 * repair it makes on its own is rewriting a missing {@code node.pub}: the public key is derived from
 * the private one, so nothing can be lost or changed by doing so.
 */
public final class IdentityStore {

  private static final Logger LOG = LoggerFactory.getLogger(IdentityStore.class);

  /** File name of the private seed. */
  public static final String KEY_FILE = "node.key";
  /** File name of the public key. */
  public static final String PUB_FILE = "node.pub";

  private static final String RECOVER_BOTH = "restore both files from the same backup (see %s) or delete both to "
      + "create a new identity (peers that pinned the old key will refuse the new one)";

  private final Path keyDir;
  private final Path keyFile;
  private final Path pubFile;
  private final SecureRandom random;
  private final SecretWriter writer;
  private final MaterialBackup backup;

  /** A store for the key pair in {@code keyDir} (created on first use, mode 0700). */
  public IdentityStore(Path keyDir) {
    this(keyDir, new SecureRandom(), Clock.systemUTC(), SecretWriter.ATOMIC);
  }

  IdentityStore(Path keyDir, SecureRandom random, Clock clock, SecretWriter writer) {
    this.keyDir = Objects.requireNonNull(keyDir, "keyDir");
    this.keyFile = keyDir.resolve(KEY_FILE);
    this.pubFile = keyDir.resolve(PUB_FILE);
    this.random = random;
    this.writer = writer;
    this.backup = new MaterialBackup(keyDir, List.of(KEY_FILE, PUB_FILE), clock);
  }

  /**
   * Loads the node's identity, generating and saving a new key pair when neither file exists.
   *
   * @throws IdentityException when the files are inconsistent or damaged, or cannot be created
   */
  public synchronized NodeIdentity loadOrCreate(NodeName name) {
    Objects.requireNonNull(name, "name");
    open();
    boolean hasKey = Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS);
    boolean hasPub = Files.exists(pubFile, LinkOption.NOFOLLOW_LINKS);
    if (!hasKey && !hasPub) {
      return create(name);
    }
    if (!hasKey) {
      throw new IdentityException(pubFile + " exists but " + keyFile + " is missing: the private key was lost or "
          + "moved. Restore " + KEY_FILE + " from a backup (see " + keyDir.resolve(MaterialBackup.BACKUPS)
          + "), or delete " + PUB_FILE + " to create a new identity (peers that pinned the old key will refuse "
          + "the new one)");
    }
    byte[] seed = readKeyFile(keyFile, "private key");
    try {
      SecretFile.warnIfReadableByOthers(keyFile);
      NodeIdentity identity = new NodeIdentity(name, seed);
      if (!hasPub) {
        writeOrFail(pubFile, identity.publicKey(), "rewrite the missing public key");
        LOG.warn("{} was missing; re-derived it from {} (fingerprint {})", pubFile, keyFile, identity.fingerprint());
        return identity;
      }
      byte[] pub = readKeyFile(pubFile, "public key");
      if (!identity.hasPublicKey(pub)) {
        throw new IdentityException(pubFile + " does not match the public key derived from " + keyFile + "; "
            + String.format(RECOVER_BOTH, keyDir.resolve(MaterialBackup.BACKUPS)));
      }
      LOG.debug("Loaded node identity {} from {}", identity, keyDir);
      return identity;
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Replaces the key pair with a new one, after backing up the current files into
   * {@code backups/<UTC timestamp>/}. Handshakes that start after the caller switches to the returned
   * identity use the new key; peers that pinned the old key refuse it, in TOFU mode too, until their
   * pin is removed (the reason a rotation is never done silently).
   *
   * @throws IdentityException when the backup or the new files cannot be written; the previous files
   *     are then left (or put back) in place
   */
  public synchronized RotationResult rotate(NodeName name) {
    Objects.requireNonNull(name, "name");
    open();
    byte[] seed = Ed25519.generateSeed(random);
    try {
      NodeIdentity identity = new NodeIdentity(name, seed);
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put(KEY_FILE, seed);
      files.put(PUB_FILE, identity.publicKey());
      Path backupDir;
      try {
        backupDir = backup.replace(files, writer);
      } catch (IOException e) {
        throw new IdentityException("could not rotate the node key in " + keyDir + ": " + e.getMessage(), e);
      }
      LOG.info("Rotated the node key of {}: new fingerprint {}{}", name, identity.fingerprint(),
          backupDir == null ? " (there was no previous key)" : ", previous key pair saved in " + backupDir);
      return new RotationResult(identity, backupDir);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  private NodeIdentity create(NodeName name) {
    byte[] seed = Ed25519.generateSeed(random);
    try {
      NodeIdentity identity = new NodeIdentity(name, seed);
      writeOrFail(keyFile, seed, "create the node's private key");
      writeOrFail(pubFile, identity.publicKey(), "create the node's public key");
      LOG.info("Created a new node identity for {} in {}: fingerprint {}", name, keyDir, identity.fingerprint());
      return identity;
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  private void open() {
    try {
      SecretFile.ensurePrivateDirectory(keyDir);
      SecretFile.removeStaleTemps(keyDir);
    } catch (IOException e) {
      throw new IdentityException("cannot use key directory " + keyDir + " for the node identity: " + e.getMessage()
          + "; make it writable by this process or configure another key directory", e);
    }
  }

  private void writeOrFail(Path target, byte[] content, String purpose) {
    try {
      writer.write(target, content);
    } catch (IOException e) {
      throw new IdentityException("could not " + purpose + " (" + e.getMessage() + "); make " + keyDir
          + " writable by this process or configure another key directory", e);
    }
  }

  private byte[] readKeyFile(Path file, String what) {
    try {
      long size = Files.size(file);
      if (size != Ed25519.KEY_SIZE) {
        throw new IdentityException(file + " is " + size + " bytes but an Ed25519 " + what + " file holds exactly "
            + Ed25519.KEY_SIZE + " raw bytes (no PEM, no base64); "
            + String.format(RECOVER_BOTH, keyDir.resolve(MaterialBackup.BACKUPS)));
      }
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length != Ed25519.KEY_SIZE) {
        throw new IdentityException(file + " changed size while it was being read; retry, and make sure "
            + "no other process writes to " + keyDir);
      }
      return bytes;
    } catch (IOException e) {
      throw new IdentityException("could not read " + file + " (" + e.getMessage() + "); make it readable by "
          + "this process", e);
    }
  }
}
