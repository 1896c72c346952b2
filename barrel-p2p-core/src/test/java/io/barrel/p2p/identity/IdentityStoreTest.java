package io.barrel.p2p.identity;

import static io.barrel.p2p.identity.SecretFileTest.listing;
import static io.barrel.p2p.identity.SecretFileTest.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {

  private static final NodeName NODE = NodeName.of("a@h1");
  private static final Clock FIXED = Clock.fixed(Instant.parse("2024-01-02T03:04:05.678Z"), ZoneOffset.UTC);

  @TempDir Path root;

  private Path keyDir() {
    return root.resolve("data/keys");
  }

  private IdentityStore store() {
    return new IdentityStore(keyDir(), new SecureRandom(), FIXED, SecretWriter.ATOMIC);
  }

  @Test
  void firstStartCreatesAKeyPairInOwnerOnlyFiles() throws IOException {
    NodeIdentity identity = new IdentityStore(keyDir()).loadOrCreate(NODE);

    Path key = keyDir().resolve("node.key");
    Path pub = keyDir().resolve("node.pub");
    assertThat(Files.readAllBytes(pub)).isEqualTo(identity.publicKey());
    assertThat(Ed25519.publicKeyOf(Files.readAllBytes(key))).isEqualTo(identity.publicKey());
    assertThat(mode(key)).isEqualTo("rw-------");
    assertThat(mode(pub)).isEqualTo("rw-------");
    assertThat(mode(keyDir())).isEqualTo("rwx------");
    assertThat(identity.name()).isEqualTo(NODE);
  }

  @Test
  void restartLoadsTheSameIdentity() {
    NodeIdentity first = new IdentityStore(keyDir()).loadOrCreate(NODE);

    NodeIdentity second = new IdentityStore(keyDir()).loadOrCreate(NODE);

    assertThat(second.publicKey()).isEqualTo(first.publicKey());
    assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
    byte[] message = {1, 2, 3};
    assertThat(Ed25519.verify(first.publicKey(), message, second.sign(message))).isTrue();
  }

  @Test
  void mismatchedKeyPairIsRefusedWithARecoveryHint() throws IOException {
    store().loadOrCreate(NODE);
    byte[] otherPub = Ed25519.publicKeyOf(Ed25519.generateSeed(new SecureRandom()));
    Files.write(keyDir().resolve("node.pub"), otherPub);

    assertThatThrownBy(() -> store().loadOrCreate(NODE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining(keyDir().resolve("node.pub") + " does not match the public key derived from "
            + keyDir().resolve("node.key"))
        .hasMessageContaining("delete both to create a new identity")
        .hasMessageContaining("peers that pinned the old key will refuse the new one");
    assertThat(Files.readAllBytes(keyDir().resolve("node.pub"))).isEqualTo(otherPub);
  }

  @Test
  void privateKeyOfTheWrongSizeIsRefused() throws IOException {
    Files.createDirectories(keyDir());
    Files.write(keyDir().resolve("node.key"), new byte[33]);
    Files.write(keyDir().resolve("node.pub"), new byte[32]);

    assertThatThrownBy(() -> store().loadOrCreate(NODE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining(keyDir().resolve("node.key") + " is 33 bytes")
        .hasMessageContaining("exactly 32 raw bytes");
  }

  @Test
  void publicKeyOfTheWrongSizeIsRefused() throws IOException {
    store().loadOrCreate(NODE);
    Files.writeString(keyDir().resolve("node.pub"), "-----BEGIN PUBLIC KEY-----\n");

    assertThatThrownBy(() -> store().loadOrCreate(NODE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining(keyDir().resolve("node.pub") + " is 27 bytes");
  }

  @Test
  void missingPublicKeyIsRederivedFromThePrivateKey() throws IOException {
    NodeIdentity original = store().loadOrCreate(NODE);
    Files.delete(keyDir().resolve("node.pub"));

    NodeIdentity reloaded = store().loadOrCreate(NODE);

    assertThat(reloaded.publicKey()).isEqualTo(original.publicKey());
    assertThat(Files.readAllBytes(keyDir().resolve("node.pub"))).isEqualTo(original.publicKey());
    assertThat(mode(keyDir().resolve("node.pub"))).isEqualTo("rw-------");
  }

  @Test
  void missingPrivateKeyIsRefusedInsteadOfSilentlyRegenerated() throws IOException {
    NodeIdentity original = store().loadOrCreate(NODE);
    Files.delete(keyDir().resolve("node.key"));

    assertThatThrownBy(() -> store().loadOrCreate(NODE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining(keyDir().resolve("node.key") + " is missing")
        .hasMessageContaining("Restore node.key from a backup");
    assertThat(listing(keyDir())).containsExactly("node.pub");
    assertThat(Files.readAllBytes(keyDir().resolve("node.pub"))).isEqualTo(original.publicKey());
  }

  @Test
  void keyDirectoryThatCannotBeCreatedIsReported() throws IOException {
    Path blocker = Files.writeString(root.resolve("data"), "a file where the directory should be");

    assertThatThrownBy(() -> store().loadOrCreate(NODE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("cannot use key directory " + keyDir())
        .hasMessageContaining(blocker + " exists but is not a directory");
  }

  @Test
  void keyThatCannotBeWrittenIsReported() {
    IdentityStore store = new IdentityStore(keyDir(), new SecureRandom(), FIXED, (target, content) -> {
      throw new IOException("could not write " + target + ": permission denied");
    });

    assertThatThrownBy(() -> store.loadOrCreate(NODE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("could not create the node's private key")
        .hasMessageContaining("permission denied");
  }

  @Test
  void staleTempLeftByACrashIsRemovedWhenTheStoreOpens() throws IOException {
    store().loadOrCreate(NODE);
    Files.write(keyDir().resolve(".node.key.00112233aabbccdd.tmp"), new byte[7]);

    store().loadOrCreate(NODE);

    assertThat(listing(keyDir())).containsExactly("node.key", "node.pub");
  }

  @Test
  void rotationWritesANewKeyAndBacksUpTheOldPairOwnerOnly() throws IOException {
    IdentityStore store = store();
    NodeIdentity old = store.loadOrCreate(NODE);
    byte[] oldSeed = Files.readAllBytes(keyDir().resolve("node.key"));

    RotationResult rotation = store.rotate(NODE);

    assertThat(rotation.identity().publicKey()).isNotEqualTo(old.publicKey());
    assertThat(store().loadOrCreate(NODE).publicKey()).isEqualTo(rotation.identity().publicKey());
    Path backup = rotation.backupDir();
    assertThat(backup).isEqualTo(keyDir().resolve("backups/20240102T030405Z"));
    assertThat(Files.readAllBytes(backup.resolve("node.key"))).isEqualTo(oldSeed);
    assertThat(Files.readAllBytes(backup.resolve("node.pub"))).isEqualTo(old.publicKey());
    assertThat(mode(backup)).isEqualTo("rwx------");
    assertThat(mode(keyDir().resolve("backups"))).isEqualTo("rwx------");
    assertThat(mode(backup.resolve("node.key"))).isEqualTo("rw-------");
    assertThat(mode(backup.resolve("node.pub"))).isEqualTo("rw-------");
  }

  @Test
  void backupOfAWideOpenKeyIsStillOwnerOnly() throws IOException {
    store().loadOrCreate(NODE);
    Files.setPosixFilePermissions(keyDir().resolve("node.key"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

    RotationResult rotation = store().rotate(NODE);

    assertThat(mode(rotation.backupDir().resolve("node.key"))).isEqualTo("rw-------");
    assertThat(mode(keyDir().resolve("node.key"))).isEqualTo("rw-------");
  }

  @Test
  void rotationWithNoPreviousKeyHasNoBackup() {
    RotationResult rotation = store().rotate(NODE);

    assertThat(rotation.backupDir()).isNull();
    assertThat(store().loadOrCreate(NODE).publicKey()).isEqualTo(rotation.identity().publicKey());
  }

  @Test
  void twoRotationsInTheSameSecondGetDistinctBackupDirectories() {
    IdentityStore store = store();
    store.loadOrCreate(NODE);

    RotationResult first = store.rotate(NODE);
    RotationResult second = store.rotate(NODE);
    RotationResult third = store.rotate(NODE);

    assertThat(first.backupDir().getFileName()).hasToString("20240102T030405Z");
    assertThat(second.backupDir().getFileName()).hasToString("20240102T030405Z-1");
    assertThat(third.backupDir().getFileName()).hasToString("20240102T030405Z-2");
  }

  @Test
  void failedRotationRestoresThePreviousKeyPair() throws IOException {
    NodeIdentity old = store().loadOrCreate(NODE);
    byte[] oldSeed = Files.readAllBytes(keyDir().resolve("node.key"));
    // node.key is replaced first, so failing on node.pub leaves a torn pair that must be undone.
    SecretWriter failsOnPub = (target, content) -> {
      if (target.getFileName().toString().equals("node.pub")) {
        throw new IOException("could not write " + target + ": no space left on device");
      }
      SecretFile.write(target, content);
    };
    IdentityStore store = new IdentityStore(keyDir(), new SecureRandom(), FIXED, failsOnPub);

    assertThatThrownBy(() -> store.rotate(NODE))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("could not rotate the node key in " + keyDir())
        .hasMessageContaining("no space left on device")
        .hasMessageContaining("were put back");

    assertThat(Files.readAllBytes(keyDir().resolve("node.key"))).isEqualTo(oldSeed);
    assertThat(store().loadOrCreate(NODE).publicKey()).isEqualTo(old.publicKey());
    assertThat(mode(keyDir().resolve("node.key"))).isEqualTo("rw-------");
  }

  @Test
  void failedFirstRotationLeavesNoHalfPair() {
    IdentityStore store = new IdentityStore(keyDir(), new SecureRandom(), FIXED, (target, content) -> {
      if (target.getFileName().toString().equals("node.pub")) {
        throw new IOException("injected");
      }
      SecretFile.write(target, content);
    });

    assertThatThrownBy(() -> store.rotate(NODE)).isInstanceOf(IdentityException.class);

    assertThat(listing(keyDir())).isEmpty();
  }
}
