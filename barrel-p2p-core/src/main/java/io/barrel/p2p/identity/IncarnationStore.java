package io.barrel.p2p.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's lives on disk: {@code incarnation} in the key directory holds the incarnation of the
 * last start, and every start takes one above it. A life is told from the one before it by this
 * number alone (the registry drops an older life's registrations, the transport replaces a
 * connection to it), so it must rise across every restart of an identity. The wall clock alone does
 * not guarantee that: a clock set back, by an operator or by a time sync after a boot with a wrong
 * clock, would give the new life a smaller number than the old one, and peers would take the new
 * life's heartbeats for an old life's until its lease ran out. A start therefore takes the wall
 * clock's reading or the last incarnation plus one, whichever is larger, and records it before the
 * node goes on the network.
 *
 * <p>The file is a decimal number in ASCII, written atomically with owner-only permissions like
 * every file of the directory (it is not secret; a rename is what keeps it whole through a crash).
 */
public final class IncarnationStore {

  private static final Logger LOG = LoggerFactory.getLogger(IncarnationStore.class);

  /** File name of the last incarnation, in the key directory. */
  public static final String FILE = "incarnation";

  // Longest content read: a 19-digit number with a line end and some room for stray whitespace.
  private static final int MAX_BYTES = 64;

  private final Path keyDir;
  private final Path file;
  private final SecretWriter writer;

  /** A store for the incarnation in {@code keyDir}, the directory of the node's identity. */
  public IncarnationStore(Path keyDir) {
    this(keyDir, SecretWriter.ATOMIC);
  }

  IncarnationStore(Path keyDir, SecretWriter writer) {
    this.keyDir = Objects.requireNonNull(keyDir, "keyDir");
    this.file = keyDir.resolve(FILE);
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  /**
   * Starts a new life: returns {@code wallMillis} or the last recorded incarnation plus one,
   * whichever is larger, after recording it. A record that cannot be read as an incarnation (it was
   * edited or damaged) is replaced, with a warning, as if there were none.
   *
   * @param wallMillis the wall clock now, in milliseconds since the epoch (not negative)
   * @throws IdentityException when the new incarnation cannot be recorded: starting anyway could give
   *     a later start a number that is not above this one
   */
  public synchronized long begin(long wallMillis) {
    if (wallMillis < 0) {
      throw new IllegalArgumentException("wall clock reading " + wallMillis + " is before the epoch");
    }
    long life = next(read(), wallMillis);
    try {
      writer.write(file, (life + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IdentityException("could not record this life's incarnation in " + file + " (" + e.getMessage()
          + "); make " + keyDir + " writable by this process or configure another data directory", e);
    }
    return life;
  }

  /** The incarnation a start takes after {@code last} (empty: no earlier start known) at {@code wallMillis}. */
  static long next(OptionalLong last, long wallMillis) {
    return last.isPresent() ? Math.max(wallMillis, last.getAsLong() + 1) : wallMillis;
  }

  /** The last recorded incarnation: empty when there is none, or none that can be trusted. */
  private OptionalLong read() {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException first) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new IdentityException("could not read the last incarnation from " + file + " (" + e.getMessage()
          + "); make it readable by this process, or delete it if it is damaged", e);
    }
    String text = new String(bytes, StandardCharsets.US_ASCII).strip();
    if (bytes.length <= MAX_BYTES && text.matches("[0-9]{1,19}")) {
      try {
        long last = Long.parseLong(text);
        if (last < Long.MAX_VALUE) {
          return OptionalLong.of(last);
        }
      } catch (NumberFormatException beyondLong) {
        // falls through to the warning
      }
    }
    LOG.warn("{} does not hold an incarnation (a decimal number below 2^63-1); it is replaced by the wall clock's "
        + "reading. If the clock went back since the last start, peers may take this life for an older one until "
        + "its registry lease and connections time out", file);
    return OptionalLong.empty();
  }
}
