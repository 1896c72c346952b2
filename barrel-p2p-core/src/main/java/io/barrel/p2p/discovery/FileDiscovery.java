package io.barrel.p2p.discovery;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes that share a directory (one machine, or a shared volume) publish their address in it: each
 * node writes {@code <dir>/<node>.endpoint} (see {@link EndpointFile} for the JSON inside) and
 * reads the others'.
 *
 * <p>Files are written to a temporary file in the same directory and renamed over the old one, so
 * a reader sees the old content or the new, never half of it. The address is not a secret, so
 * files are world-readable (0644). Anything in the directory is untrusted input: files are read up
 * to 4 KiB, validated, and a bad one is skipped with one warning per distinct content rather than
 * one per lookup. File names are node names, whose charset has no {@code /}, so a name cannot
 * point outside the directory.
 *
 * <p>Stale files of nodes that died without unregistering stay until overwritten or deleted; a
 * dial to such an address simply fails, as it would for any unreachable peer.
 */
public final class FileDiscovery implements Discovery {

  /** File name suffix of endpoint files. */
  public static final String SUFFIX = ".endpoint";

  private static final Logger log = LoggerFactory.getLogger(FileDiscovery.class);

  private final Path directory;
  private final DnsResolver resolver;
  /** Content hash of the last bad file warned about, per file name, to warn once per content. */
  private final Map<String, Integer> warned = new ConcurrentHashMap<>();
  private final AtomicLong badFileWarnings = new AtomicLong();

  /** Creates a backend on {@code directory}, resolving host names with the system resolver. */
  public FileDiscovery(Path directory) {
    this(directory, DnsResolver.system());
  }

  /**
   * Creates a backend on {@code directory}; the directory is created on the first {@link
   * #register}, and a missing directory reads as empty.
   */
  public FileDiscovery(Path directory, DnsResolver resolver) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** The directory endpoint files live in. */
  public Path directory() {
    return directory;
  }

  /** The file {@code node}'s endpoint is kept in. */
  public Path fileOf(NodeName node) {
    return directory.resolve(node + SUFFIX);
  }

  /**
   * Writes {@code self}'s endpoint file atomically. A resolved address is written as its IP
   * literal, an unresolved one as its host name. A wildcard address (the listener bound to all
   * interfaces) cannot be dialled, so the host part of the node name is written instead.
   *
   * @throws UncheckedIOException when the file cannot be written, saying which and why
   */
  @Override
  public void register(NodeName self, InetSocketAddress address) {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(address, "address");
    if (address.getPort() == 0) {
      throw new IllegalArgumentException("cannot register '" + self
          + "' with port 0; register the port the listener is actually bound to");
    }
    String host;
    if (address.isUnresolved()) {
      host = address.getHostString();
    } else if (address.getAddress().isAnyLocalAddress()) {
      host = self.host();
    } else {
      // The literal, not a host name the address may carry: readers need no lookup to dial it.
      host = address.getAddress().getHostAddress();
    }
    byte[] json = new EndpointFile(host, address.getPort()).toJson();
    Path target = fileOf(self);
    Path temp = null;
    try {
      Files.createDirectories(directory);
      // A leading dot and a .tmp suffix keep half-written files out of list() and lookup().
      temp = Files.createTempFile(directory, "." + self + ".", ".tmp");
      write(temp, json);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
      log.debug("file discovery: registered {} at {}:{} in {}",
          self, host, address.getPort(), target);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write discovery endpoint file " + target + ": " + e
          + "; check that " + directory + " is a writable directory", e);
    } finally {
      if (temp != null) {
        deleteQuietly(temp);
      }
    }
  }

  private static void write(Path temp, byte[] content) throws IOException {
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      // Flushed before the rename so a crash cannot leave the new name on empty content.
      channel.force(true);
    }
    if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      // createTempFile makes 0600; others on the machine need to read our address.
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      log.warn("file discovery: could not delete temporary file {}: {}; delete it by hand",
          temp, e.toString());
    }
  }

  @Override
  public boolean supportsRegister() {
    return true;
  }

  /**
   * Deletes {@code self}'s endpoint file if present.
   *
   * @throws UncheckedIOException when the file exists but cannot be deleted
   */
  @Override
  public void unregister(NodeName self) {
    Path file = fileOf(self);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete discovery endpoint file " + file + ": " + e
          + "; check the directory's permissions", e);
    }
  }

  @Override
  public Optional<InetSocketAddress> lookup(NodeName node) {
    Path file = fileOf(node);
    byte[] content;
    try {
      content = read(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      warnOnce(file, ("io:" + e).hashCode(), "cannot be read: " + e);
      return Optional.empty();
    }
    if (content == null) {
      return Optional.empty();
    }
    EndpointFile endpoint;
    try {
      endpoint = EndpointFile.fromJson(content);
    } catch (IllegalArgumentException e) {
      warnOnce(file, Arrays.hashCode(content), "is not a valid endpoint file: " + e.getMessage()
          + "; expected {\"host\": \"<name or IP>\", \"port\": <1-65535>}");
      return Optional.empty();
    }
    warned.remove(file.getFileName().toString());
    try {
      Optional<InetSocketAddress> resolved = endpoint.address().resolve(resolver);
      if (resolved.isEmpty()) {
        log.warn("file discovery: host '{}' in {} has no address", endpoint.host(), file);
      }
      return resolved;
    } catch (IOException | RuntimeException e) {
      log.warn("file discovery: could not resolve host '{}' in {}: {}",
          endpoint.host(), file, e.toString());
      return Optional.empty();
    }
  }

  /** The file's bytes, at most one more than the limit; null when it is not a regular file. */
  private static byte[] read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      // A FIFO would block the reader forever; a directory is not an endpoint.
      if (Files.exists(file)) {
        throw new IOException("it is not a regular file");
      }
      return null;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(EndpointFile.MAX_BYTES + 1);
    }
  }

  private void warnOnce(Path file, int contentHash, String problem) {
    Integer previous = warned.put(file.getFileName().toString(), contentHash);
    if (previous == null || previous != contentHash) {
      badFileWarnings.incrementAndGet();
      log.warn("file discovery: ignoring {}: it {}", file, problem);
    }
  }

  /** How many bad-file warnings were logged; for tests and a future metric. */
  long badFileWarnings() {
    return badFileWarnings.get();
  }

  /**
   * The nodes with an endpoint file; names that are not valid node names are skipped. Contents are
   * not read here: a bad file shows up when it is looked up.
   */
  @Override
  public Set<NodeName> list() {
    Set<NodeName> nodes = new TreeSet<>();
    if (!Files.isDirectory(directory)) {
      return Set.of();
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        String fileName = file.getFileName().toString();
        String stem = fileName.substring(0, fileName.length() - SUFFIX.length());
        Optional<NodeName> node = NodeName.tryParse(stem);
        if (node.isPresent() && Files.isRegularFile(file)) {
          nodes.add(node.get());
        } else {
          log.debug("file discovery: skipping {}: not <node name>{} or not a regular file",
              file, SUFFIX);
        }
      }
    } catch (IOException | DirectoryIteratorException e) {
      log.warn("file discovery: could not list {}: {}", directory, e.toString());
    }
    return Collections.unmodifiableSet(nodes);
  }

  @Override
  public String name() {
    return "file";
  }

  @Override
  public String toString() {
    return "FileDiscovery[" + directory + "]";
  }
}
