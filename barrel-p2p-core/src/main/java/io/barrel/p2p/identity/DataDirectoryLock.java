package io.barrel.p2p.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One running node per data directory: an exclusive lock on {@code lock} in the directory, taken
 * before anything in it is read and held until the node stops. Two processes on one directory
 * would be one identity twice: each start takes a later life, so peers would drop the connections
 * and registrations of whichever started first, and both would write the same pins and backups.
 * The operating system releases the lock when the process ends, however it ends, so a crashed
 * node's directory is free for its restart.
 *
 * <p>The file holds the holder's process id, for the message a second start fails with. The lock
 * is advisory: it keeps out other nodes, not other programs.
 */
public final class DataDirectoryLock implements AutoCloseable {

  /** File name of the lock, in the data directory. */
  public static final String FILE = "lock";

  // The holder's process id is a few digits; more than this is not worth reading into a message.
  private static final int MAX_HOLDER_BYTES = 32;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDirectory} (created with mode 0700 when missing) for this process.
   *
   * @throws DataDirectoryInUseException when another node, in this process or another, holds it
   * @throws IdentityException when the lock file cannot be created or locked
   */
  public static DataDirectoryLock acquire(Path dataDirectory) {
    Path file = dataDirectory.resolve(FILE);
    FileChannel channel;
    try {
      SecretFile.ensurePrivateDirectory(dataDirectory);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new IdentityException("cannot create the lock " + file + " of the data directory (" + e.getMessage()
          + "); make " + dataDirectory + " writable by this process or configure another data directory", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldHere) {
      lock = null; // another node of this very process holds it
    } catch (IOException e) {
      closeQuietly(channel);
      throw new IdentityException("cannot lock " + file + " (" + e.getMessage() + "); the data directory must be "
          + "on a file system that supports locks", e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new DataDirectoryInUseException(dataDirectory + " is in use by another running node (" + holder(file) + " holds "
          + file + "): two nodes on one data directory would be one identity twice, each start cutting off the "
          + "other. Stop the other node, or give this one a data directory of its own");
    }
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    } catch (IOException e) {
      // The lock is what matters; the process id is a courtesy to whoever is refused.
    }
    return new DataDirectoryLock(file, channel, lock);
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** Releases the lock; the file stays, as the next start opens it again. Idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // Closing the channel below releases it as well.
    }
    closeQuietly(channel);
  }

  private static String holder(Path file) {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      String text = new String(in.readNBytes(MAX_HOLDER_BYTES), StandardCharsets.US_ASCII).strip();
      return text.matches("[0-9]{1,19}") ? "process " + text : "a process";
    } catch (IOException e) {
      return "a process";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
