package io.barrel.p2p.identity;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The backup-then-replace step of a key or certificate rotation: the current files are copied into
 * {@code <dir>/backups/<UTC yyyyMMdd'T'HHmmss'Z'>/}, the new ones are written, and if writing fails
 * the directory is put back exactly as it was.
 *
 * <p>Backups are private key material too, so they are written through {@link SecretFile} (0600 in a
 * 0700 directory) rather than copied with whatever mode the source had. Two rotations within the
 * same second get distinct directories ({@code -1}, {@code -2}, ...) instead of one overwriting the
 * other's backup.
 */
public final class MaterialBackup {

  /** Name of the directory, inside the material directory, that holds one directory per backup. */
  public static final String BACKUPS = "backups";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  /** Key and certificate files are a few KiB at most; anything larger is not ours. */
  private static final long MAX_FILE_SIZE = 1 << 20;
  private static final int MAX_SAME_SECOND = 1000;

  private final Path dir;
  private final List<String> fileNames;
  private final Clock clock;

  /** A backup of the files {@code fileNames} in {@code dir}, stamped with {@code clock}'s time. */
  public MaterialBackup(Path dir, List<String> fileNames, Clock clock) {
    this.dir = dir;
    this.fileNames = List.copyOf(fileNames);
    this.clock = clock;
  }

  /**
   * Copies the files that exist into a new backup directory.
   *
   * @return the backup directory, or null when none of the files exists (nothing to back up)
   */
  public Path save() throws IOException {
    List<String> present = fileNames.stream()
        .filter(name -> Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS))
        .toList();
    if (present.isEmpty()) {
      return null;
    }
    Path backupDir = newBackupDirectory();
    for (String name : present) {
      byte[] content = readBounded(dir.resolve(name));
      try {
        SecretFile.write(backupDir.resolve(name), content);
      } finally {
        Arrays.fill(content, (byte) 0);
      }
    }
    return backupDir;
  }

  /**
   * Puts the directory back as it was when {@code backupDir} was saved: files in the backup are
   * written back, the others are deleted. A null {@code backupDir} means nothing existed then.
   */
  public void restore(Path backupDir) throws IOException {
    for (String name : fileNames) {
      Path saved = backupDir == null ? null : backupDir.resolve(name);
      if (saved != null && Files.exists(saved)) {
        byte[] content = readBounded(saved);
        try {
          SecretFile.write(dir.resolve(name), content);
        } finally {
          Arrays.fill(content, (byte) 0);
        }
      } else {
        Files.deleteIfExists(dir.resolve(name));
      }
    }
  }

  /**
   * Backs up the current files, then writes {@code newFiles} (file name to content, in the map's
   * iteration order) with {@code writer}; when any write fails the previous state is restored.
   *
   * @return the backup directory, or null when none of the files existed
   * @throws IOException when the backup or the new material could not be written; the message says
   *     whether the previous files were restored
   */
  public Path replace(Map<String, byte[]> newFiles, SecretWriter writer) throws IOException {
    Path backupDir;
    try {
      SecretFile.ensurePrivateDirectory(dir);
      backupDir = save();
    } catch (IOException e) {
      throw new IOException("could not back up the current files in " + dir + " (" + e.getMessage()
          + "); nothing was changed", e);
    }
    try {
      for (Map.Entry<String, byte[]> file : newFiles.entrySet()) {
        writer.write(dir.resolve(file.getKey()), file.getValue());
      }
      return backupDir;
    } catch (IOException | RuntimeException e) {
      String before = backupDir == null ? "the state before (no files)" : "the files backed up in " + backupDir;
      try {
        restore(backupDir);
      } catch (IOException | RuntimeException restoreFailure) {
        IOException both = new IOException("could not write the new files in " + dir + " (" + e.getMessage()
            + ") and could not restore " + before + " either (" + restoreFailure.getMessage()
            + "); copy them back by hand before restarting the node", e);
        both.addSuppressed(restoreFailure);
        throw both;
      }
      throw new IOException("could not write the new files in " + dir + " (" + e.getMessage() + "); "
          + before + " were put back, so nothing changed", e);
    }
  }

  private Path newBackupDirectory() throws IOException {
    Path backups = dir.resolve(BACKUPS);
    SecretFile.ensurePrivateDirectory(backups);
    String stamp = STAMP.format(clock.instant());
    for (int n = 0; n < MAX_SAME_SECOND; n++) {
      Path candidate = backups.resolve(n == 0 ? stamp : stamp + "-" + n);
      try {
        // createDirectory is atomic, so concurrent rotations (even from two processes) never share one.
        return SecretFile.createPrivateDirectory(candidate);
      } catch (FileAlreadyExistsException taken) {
        // try the next suffix
      }
    }
    throw new IOException("more than " + MAX_SAME_SECOND + " backups stamped " + stamp + " already exist in "
        + backups + "; remove old backups");
  }

  private static byte[] readBounded(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE_SIZE) {
      throw new IOException(file + " is " + size + " bytes, too large to be key material; move it away");
    }
    return Files.readAllBytes(file);
  }
}
