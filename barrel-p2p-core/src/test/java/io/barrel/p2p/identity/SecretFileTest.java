package io.barrel.p2p.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {

  @TempDir Path dir;

  @Test
  void writtenFileIsOwnerOnlyAndHoldsTheContent() throws IOException {
    Path target = dir.resolve("node.key");

    SecretFile.write(target, bytes("secret"));

    assertThat(Files.readAllBytes(target)).isEqualTo(bytes("secret"));
    assertThat(mode(target)).isEqualTo("rw-------");
  }

  @Test
  void missingParentDirectoriesAreCreatedOwnerOnly() throws IOException {
    Path target = dir.resolve("data/keys/trusted/a@h1.pub");

    SecretFile.write(target, bytes("k"));

    assertThat(mode(dir.resolve("data"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("data/keys"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("data/keys/trusted"))).isEqualTo("rwx------");
  }

  @Test
  void existingDirectoryKeepsItsMode() throws IOException {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));

    SecretFile.write(shared.resolve("node.key"), bytes("k"));

    assertThat(mode(shared)).isEqualTo("rwxr-xr-x");
    assertThat(mode(shared.resolve("node.key"))).isEqualTo("rw-------");
  }

  @Test
  void noTempFileIsLeftAfterASuccessfulWrite() throws IOException {
    SecretFile.write(dir.resolve("node.key"), bytes("k"));

    assertThat(listing(dir)).containsExactly("node.key");
  }

  @Test
  void overwriteReplacesContentAndNarrowsAWideMode() throws IOException {
    Path target = Files.writeString(dir.resolve("node.key"), "old content");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));

    SecretFile.write(target, bytes("new"));

    assertThat(Files.readAllBytes(target)).isEqualTo(bytes("new"));
    assertThat(mode(target)).isEqualTo("rw-------");
    assertThat(listing(dir)).containsExactly("node.key");
  }

  @Test
  void tempFileIsOwnerOnlyBeforeTheFirstByteIsWritten() throws IOException {
    AtomicReference<String> modeWhenEmpty = new AtomicReference<>();
    AtomicReference<Long> sizeWhenChecked = new AtomicReference<>();

    SecretFile.write(dir.resolve("node.key"), channel -> {
      Path temp = onlyTempIn(dir);
      sizeWhenChecked.set(Files.size(temp));
      modeWhenEmpty.set(mode(temp));
      channel.write(ByteBuffer.wrap(bytes("k")));
    });

    assertThat(sizeWhenChecked.get()).isZero();
    assertThat(modeWhenEmpty.get()).isEqualTo("rw-------");
  }

  @Test
  void failedWriteLeavesNoTempAndKeepsTheOldContent() throws IOException {
    Path target = dir.resolve("node.key");
    SecretFile.write(target, bytes("old"));

    assertThatThrownBy(() -> SecretFile.write(target, channel -> {
      channel.write(ByteBuffer.wrap(bytes("half")));
      throw new IOException("disk full");
    }))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(target.toString())
        .hasMessageContaining("disk full");

    assertThat(Files.readAllBytes(target)).isEqualTo(bytes("old"));
    assertThat(listing(dir)).containsExactly("node.key");
  }

  @Test
  void unexpectedRuntimeFailureAlsoCleansUpTheTemp() {
    Path target = dir.resolve("node.key");

    assertThatThrownBy(() -> SecretFile.write(target, channel -> {
      throw new IllegalStateException("boom");
    })).isInstanceOf(IOException.class).hasMessageContaining(target.toString());

    assertThat(listing(dir)).isEmpty();
  }

  @Test
  void parentThatIsARegularFileIsReportedByName() throws IOException {
    Path blocker = Files.writeString(dir.resolve("keys"), "not a directory");

    assertThatThrownBy(() -> SecretFile.write(blocker.resolve("node.key"), bytes("k")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(blocker.toString())
        .hasMessageContaining("not a directory");
  }

  @Test
  void staleTempsAreRemovedAndOtherFilesKept() throws IOException {
    Files.writeString(dir.resolve(".node.key.0123456789abcdef.tmp"), "torn");
    Files.writeString(dir.resolve(".a@h1.pub.fedcba9876543210.tmp"), "torn");
    Files.writeString(dir.resolve("notes.tmp"), "someone else's file");
    Files.writeString(dir.resolve("node.key"), "keep");

    int removed = SecretFile.removeStaleTemps(dir);

    assertThat(removed).isEqualTo(2);
    assertThat(listing(dir)).containsExactlyInAnyOrder("notes.tmp", "node.key");
  }

  @Test
  void removingStaleTempsFromAMissingDirectoryDoesNothing() throws IOException {
    assertThat(SecretFile.removeStaleTemps(dir.resolve("absent"))).isZero();
  }

  @Test
  void generatedTempNamesAreRecognisedAsStale() throws IOException {
    AtomicReference<String> tempName = new AtomicReference<>();
    SecretFile.write(dir.resolve("node.key"), channel -> tempName.set(onlyTempIn(dir).getFileName().toString()));

    assertThat(SecretFile.isTempName(tempName.get())).isTrue();
    assertThat(tempName.get()).endsWith(SecretFile.TEMP_SUFFIX);
  }

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<String> listing(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Path onlyTempIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> temps = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
      assertThat(temps).hasSize(1);
      return temps.get(0);
    }
  }
}
