package io.barrel.p2p.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way secret files (private keys, trust pins, TLS material) reach the disk: owner-only
 * permissions from the moment the file exists, and an atomic replace so a crash leaves either the
 * old content or the new one, never a torn file.
 *
 * <p>A write goes to {@code .<target>.<16 hex>.tmp} in the target's own directory (a rename is only
 * atomic within one file system), created with mode 0600, then is forced to disk, renamed over the
 * target, and the directory is forced so the rename itself survives a power cut. A crash between
 * creation and rename leaves a temp file behind; {@link #removeStaleTemps} clears those when a store
 * opens its directory.
 *
 * <p>On file systems without POSIX permissions (Windows) the write still goes through the same temp +
 * atomic rename, but the file inherits the directory's access rules; a warning says so once.
 */
public final class SecretFile {

  private static final Logger LOG = LoggerFactory.getLogger(SecretFile.class);

  static final String TEMP_SUFFIX = ".tmp";
  private static final Pattern TEMP_NAME = Pattern.compile("^\\..+\\.[0-9a-f]{16}\\.tmp$");
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom TEMP_NAMES = new SecureRandom();
  private static final AtomicBoolean NON_POSIX_WARNED = new AtomicBoolean();

  private SecretFile() {}

  /** What goes into the temp file; a seam so tests can fail half way through a write. */
  @FunctionalInterface
  interface Body {
    void writeTo(FileChannel channel) throws IOException;
  }

  /**
   * Atomically replaces {@code target} with {@code content}, readable and writable by the owner only.
   * Missing parent directories are created with mode 0700.
   *
   * @throws IOException naming {@code target}; the old content, if any, is left untouched
   */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, channel -> {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    });
  }

  static void write(Path target, Body body) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    ensurePrivateDirectory(dir);
    boolean posix = isPosix(dir);
    Path temp = dir.resolve(tempName(absolute.getFileName().toString()));
    boolean created = false;
    boolean moved = false;
    try {
      if (posix) {
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(FILE_MODE));
        created = true;
        // The mode given at creation is reduced by the umask; set it again so it is exactly 0600.
        Files.setPosixFilePermissions(temp, FILE_MODE);
      } else {
        warnNonPosix(dir);
        Files.createFile(temp);
        created = true;
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        body.writeTo(channel);
        channel.force(true);
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      forceDirectory(dir);
    } catch (IOException | RuntimeException e) {
      throw new IOException("could not write " + target + ": " + describe(e)
          + "; check that " + dir + " exists, is writable by this process and has free space", e);
    } finally {
      if (created && !moved) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * Makes sure {@code dir} exists; every directory this call creates gets mode 0700. An existing
   * directory keeps its mode: it may be shared with other things, and the files written into it are
   * 0600 whatever the directory allows.
   */
  public static void ensurePrivateDirectory(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(p + " exists but is not a directory; move it away or choose another directory");
      }
      missing.push(p);
    }
    if (missing.isEmpty()) {
      return;
    }
    boolean posix = isPosix(missing.peek().getParent());
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      try {
        if (posix) {
          Files.createDirectory(p, PosixFilePermissions.asFileAttribute(DIR_MODE));
          Files.setPosixFilePermissions(p, DIR_MODE);
        } else {
          warnNonPosix(p);
          Files.createDirectory(p);
        }
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw new IOException(p + " exists but is not a directory; move it away or choose another directory", e);
        }
        // Created concurrently by someone else: fine, it exists now.
      } catch (IOException e) {
        throw new IOException("could not create directory " + p + ": " + describe(e)
            + "; check that the parent directory is writable by this process", e);
      }
    }
  }

  /**
   * Creates exactly {@code dir} (its parent must exist) with mode 0700.
   *
   * @throws FileAlreadyExistsException when it already exists, so callers can pick another name
   */
  static Path createPrivateDirectory(Path dir) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    if (isPosix(parent)) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
      Files.setPosixFilePermissions(dir, DIR_MODE);
    } else {
      warnNonPosix(parent);
      Files.createDirectory(dir);
    }
    return dir;
  }

  /**
   * Deletes temp files a crash left behind in {@code dir} (only names this class generates).
   *
   * @return how many were deleted; 0 when {@code dir} does not exist
   */
  public static int removeStaleTemps(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
        p -> TEMP_NAME.matcher(p.getFileName().toString()).matches())) {
      for (Path stale : entries) {
        if (Files.isRegularFile(stale, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(stale)) {
          LOG.info("Removed {}, left over from a write interrupted by a crash", stale);
          removed++;
        }
      }
    }
    return removed;
  }

  /**
   * Logs a warning when an existing secret file can be read by group or others, as happens when an
   * operator restores one with a plain copy; the file is left as it is, the warning says how to fix it.
   */
  public static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (!FILE_MODE.containsAll(mode)) {
        LOG.warn("{} is accessible to group or others ({}); run 'chmod 600 {}' so only this account can read it",
            file, PosixFilePermissions.toString(mode), file);
      }
    } catch (UnsupportedOperationException | IOException e) {
      // No POSIX modes here: the write path already warned once about that file system.
    }
  }

  /** True when {@code name} is one of the temp file names this class generates. */
  static boolean isTempName(String name) {
    return TEMP_NAME.matcher(name).matches();
  }

  private static String tempName(String targetName) {
    byte[] suffix = new byte[8];
    TEMP_NAMES.nextBytes(suffix);
    return "." + targetName + "." + HexFormat.of().formatHex(suffix) + TEMP_SUFFIX;
  }

  private static boolean isPosix(Path existingDir) {
    // Ask the store, not just the file system: a FAT or SMB mount on Linux has no POSIX modes.
    try {
      return Files.getFileStore(existingDir).supportsFileAttributeView("posix");
    } catch (IOException | RuntimeException e) {
      return existingDir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
  }

  private static void warnNonPosix(Path dir) {
    if (NON_POSIX_WARNED.compareAndSet(false, true)) {
      LOG.warn("The file system of {} has no POSIX permissions: secret files there are protected only by "
          + "the directory's access rules; restrict the directory to the account running this node", dir);
    }
  }

  private static void forceDirectory(Path dir) {
    // Makes the rename durable. Opening a directory for reading works on Linux and macOS; other
    // platforms refuse, and there the rename is as durable as the file system makes it.
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.trace("Could not fsync directory {}", dir, e);
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      LOG.warn("Could not delete temp file {}; it will be removed the next time the store opens", temp, e);
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory (" + e.getMessage() + ")";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied (" + e.getMessage() + ")";
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
