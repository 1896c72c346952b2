package io.barrel.p2p.identity;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys this node trusts, one pin per peer name, in TOFU or strict mode.
 *
 * <p>Pins live in {@code <trustedDir>/<node-name>.pub}, each the peer's raw 32-byte public key (the
 * same bytes as the peer's own {@code node.pub}, so an operator pins a peer by copying that file).
 * They are read once, at construction; {@link #check} answers from memory, so the handshake never
 * waits on the disk. Changes made through this API are written to disk atomically before they count.
 *
 * <table>
 *   <caption>Verdicts of {@link #check}</caption>
 *   <tr><th>situation</th><th>TOFU</th><th>STRICT</th></tr>
 *   <tr><td>no pin</td><td>FIRST_USE (pinned after the handshake succeeds)</td><td>UNTRUSTED</td></tr>
 *   <tr><td>pin equals the key</td><td>PINNED</td><td>PINNED</td></tr>
 *   <tr><td>pin differs</td><td>KEY_MISMATCH</td><td>KEY_MISMATCH</td></tr>
 * </table>
 *
 * <p>Unlike the reference system, the mode set with {@link #setMode} is the one handshakes use: each
 * handshake reads it once, when it asks for its verdict.
 */
public final class TrustStore implements TrustPolicy {

  private static final Logger LOG = LoggerFactory.getLogger(TrustStore.class);
  private static final String PIN_SUFFIX = ".pub";

  private final Path trustedDir;
  private final Clock clock;
  private final SecretWriter writer;
  private final ConcurrentMap<NodeName, TrustPin> pins = new ConcurrentHashMap<>();
  /** Serialises the changes that touch the disk, so the file and the map never disagree. */
  private final Object writeLock = new Object();
  private volatile TrustMode mode;

  /**
   * Opens the trust store in {@code trustedDir} (which may not exist yet) and loads its pins.
   *
   * @throws IdentityException when the directory exists but cannot be read
   */
  public TrustStore(Path trustedDir, TrustMode initialMode) {
    this(trustedDir, initialMode, Clock.systemUTC(), SecretWriter.ATOMIC);
  }

  TrustStore(Path trustedDir, TrustMode initialMode, Clock clock, SecretWriter writer) {
    this.trustedDir = Objects.requireNonNull(trustedDir, "trustedDir");
    this.mode = Objects.requireNonNull(initialMode, "initialMode");
    this.clock = clock;
    this.writer = writer;
    load();
  }

  @Override
  public TrustVerdict check(NodeName peer, byte[] publicKey) {
    return check(peer, publicKey, mode);
  }

  /**
   * The verdict as if the store were in {@code asMode}: a handshake takes the mode once when it
   * starts, so a runtime switch applies cleanly to the next handshake and never to half of one.
   */
  public TrustVerdict check(NodeName peer, byte[] publicKey, TrustMode asMode) {
    TrustPin pin = pins.get(peer);
    if (pin != null) {
      return pin.matches(publicKey) ? TrustVerdict.PINNED : TrustVerdict.KEY_MISMATCH;
    }
    if (publicKey == null || publicKey.length != Ed25519.KEY_SIZE) {
      return TrustVerdict.UNTRUSTED; // could never be pinned, so never a first use
    }
    return asMode == TrustMode.TOFU ? TrustVerdict.FIRST_USE : TrustVerdict.UNTRUSTED;
  }

  /**
   * Records that a handshake with {@code peer} presenting {@code publicKey} succeeded.
   *
   * <p>A matching pin gets its last-seen time updated. With no pin, TOFU mode pins the key (written
   * to disk first; if that fails the pin still holds in memory until restart, and the failure is
   * logged) and returns FIRST_USE; strict mode records nothing and returns UNTRUSTED. If a different
   * key was pinned while the handshake ran, nothing changes and the answer is KEY_MISMATCH: the caller
   * must then drop the connection.
   */
  public TrustVerdict recordSuccess(NodeName peer, byte[] publicKey) {
    Objects.requireNonNull(peer, "peer");
    TrustVerdict known = touch(peer, publicKey);
    if (known != null) {
      return known;
    }
    if (mode != TrustMode.TOFU || publicKey == null || publicKey.length != Ed25519.KEY_SIZE) {
      return TrustVerdict.UNTRUSTED;
    }
    synchronized (writeLock) {
      known = touch(peer, publicKey); // a pin may have appeared while we waited for the lock
      if (known != null) {
        return known;
      }
      Instant now = clock.instant();
      TrustPin pin = TrustPin.of(peer, publicKey, now, PinLevel.TOFU).seenAt(now);
      try {
        writer.write(pinFile(peer), publicKey);
      } catch (IOException e) {
        LOG.error("Could not save the TOFU pin of '{}' ({}): {}. The pin holds until this node restarts; "
            + "fix the directory or pin the key by hand", peer, pin.fingerprint(), e.getMessage(), e);
      }
      pins.put(peer, pin);
      LOG.info("Pinned the key of '{}' on first use: {}", peer, pin.fingerprint());
      warnIfPinnedUnderAnotherName(peer, pin);
      return TrustVerdict.FIRST_USE;
    }
  }

  /**
   * A key first seen under a new name that is already pinned under another: either that node was
   * renamed, or two nodes hold one private key (a copied data directory or machine image), and
   * either can then speak as the other wherever both names are trusted. Only the operator can tell,
   * so this says so once, at the first use, without refusing (a rename is legitimate).
   */
  private void warnIfPinnedUnderAnotherName(NodeName peer, TrustPin pin) {
    List<NodeName> others = sharingKeyWith(peer);
    if (!others.isEmpty()) {
      NodeName other = others.get(0);
      LOG.warn("The key first seen from '{}' ({}) is already pinned for '{}': either '{}' was renamed '{}', or two "
          + "nodes hold one private key (a copied data directory or machine image) and each can speak as the other. "
          + "If '{}' still runs, give one of them a data directory of its own", peer, pin.fingerprint(), other, other,
          peer, other);
    }
  }

  /**
   * The other names whose pin holds the same key as {@code node}'s, in name order; empty when
   * {@code node} has no pin or its key is pinned for it alone. One key under two names means a
   * renamed node whose old pin remains, or two nodes sharing one private key.
   */
  public List<NodeName> sharingKeyWith(NodeName node) {
    TrustPin pin = pins.get(node);
    if (pin == null) {
      return List.of();
    }
    byte[] key = pin.publicKey();
    List<NodeName> out = new ArrayList<>();
    for (TrustPin other : pins.values()) {
      if (!other.node().equals(node) && other.matches(key)) {
        out.add(other.node());
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * Pins {@code publicKey} for {@code node}, replacing any previous pin, as an operator decision.
   *
   * @throws IdentityException when the pin cannot be written; the previous pin then still holds
   */
  public void pin(NodeName node, byte[] publicKey) {
    Objects.requireNonNull(node, "node");
    TrustPin pin = TrustPin.of(node, publicKey, clock.instant(), PinLevel.PERMANENT);
    synchronized (writeLock) {
      try {
        writer.write(pinFile(node), publicKey);
      } catch (IOException e) {
        throw new IdentityException("could not pin the key of '" + node + "': " + e.getMessage(), e);
      }
      TrustPin previous = pins.put(node, pin);
      if (previous != null && !previous.matches(publicKey)) {
        LOG.warn("Replaced the pin of '{}': {} -> {}", node, previous.fingerprint(), pin.fingerprint());
      } else {
        LOG.info("Pinned the key of '{}': {}", node, pin.fingerprint());
      }
    }
  }

  /**
   * Removes the pin of {@code node} and its file, so TOFU can pin its next key (after a rotation).
   *
   * @return true when there was a pin to remove
   * @throws IdentityException when the file cannot be deleted; the pin then still holds
   */
  public boolean unpin(NodeName node) {
    Objects.requireNonNull(node, "node");
    synchronized (writeLock) {
      boolean deleted;
      try {
        deleted = Files.deleteIfExists(pinFile(node));
      } catch (IOException e) {
        throw new IdentityException("could not delete " + pinFile(node) + " (" + e.getMessage() + "); the pin of '"
            + node + "' still holds. Delete the file by hand and restart, or fix its permissions", e);
      }
      TrustPin removed = pins.remove(node);
      if (removed != null || deleted) {
        LOG.info("Removed the pin of '{}'{}", node, removed == null ? "" : " (" + removed.fingerprint() + ")");
        return true;
      }
      return false;
    }
  }

  /** All pins, sorted by node name. */
  public List<TrustPin> list() {
    List<TrustPin> all = new ArrayList<>(pins.values());
    all.sort(Comparator.comparing(TrustPin::node));
    return all;
  }

  /** The pin of {@code node}, if any. */
  public Optional<TrustPin> lookup(NodeName node) {
    return Optional.ofNullable(pins.get(node));
  }

  /** The mode the next handshake will use. */
  public TrustMode mode() {
    return mode;
  }

  /** Switches mode; handshakes that already have their verdict are not affected. */
  public void setMode(TrustMode newMode) {
    TrustMode old = mode;
    mode = Objects.requireNonNull(newMode, "mode");
    if (old != newMode) {
      LOG.info("Trust mode changed from {} to {}", old, newMode);
    }
  }

  /** The file that holds, or would hold, the pin of {@code node}. */
  public Path pinFile(NodeName node) {
    return trustedDir.resolve(node + PIN_SUFFIX);
  }

  /**
   * A sentence for logs and for the peer-facing error explaining {@code verdict} for {@code peer}
   * presenting {@code publicKey}, including what an operator can do about a refusal.
   */
  public String explain(NodeName peer, byte[] publicKey, TrustVerdict verdict) {
    String presented = describeKey(publicKey);
    TrustPin pin = pins.get(peer);
    return switch (verdict) {
      case KEY_MISMATCH -> "node '" + peer + "' presented a different key (" + presented + ") than the one pinned in "
          + pinFile(peer) + " (" + (pin == null ? "pin since removed" : pin.fingerprint()) + "); delete the pin "
          + "(unpin) if the key was rotated on purpose, otherwise something is impersonating that node";
      case UNTRUSTED -> "node '" + peer + "' presented a key (" + presented + ") that is not pinned, and the trust "
          + "store is in " + mode + " mode; pin it (copy the peer's node.pub to " + pinFile(peer)
          + " or call pin) to let it in";
      case PINNED -> "node '" + peer + "' presented its pinned key (" + presented + ")";
      case FIRST_USE -> "node '" + peer + "' is not pinned yet; its key (" + presented + ") is trusted on first use "
          + "and will be pinned in " + pinFile(peer);
      case EXEMPT -> "node '" + peer + "' is exempt from key pinning by configuration; its key (" + presented
          + ") was not checked";
    };
  }

  private static String describeKey(byte[] key) {
    if (key == null || key.length != Ed25519.KEY_SIZE) {
      return "a malformed " + (key == null ? "missing" : key.length + "-byte") + " key";
    }
    return Fingerprint.of(key).toString();
  }

  /** PINNED or KEY_MISMATCH when a pin exists (updating last-seen on a match), null when none does. */
  private TrustVerdict touch(NodeName peer, byte[] publicKey) {
    TrustPin pin = pins.get(peer);
    if (pin == null) {
      return null;
    }
    if (!pin.matches(publicKey)) {
      LOG.warn("'{}' completed a handshake with key {}, but {} is pinned for it now; refusing",
          peer, describeKey(publicKey), pin.fingerprint());
      return TrustVerdict.KEY_MISMATCH;
    }
    Instant now = clock.instant();
    // Only the last-seen time changes; computeIfPresent keeps a concurrent unpin or re-pin intact.
    pins.computeIfPresent(peer, (name, current) -> current.matches(publicKey) ? current.seenAt(now) : current);
    return TrustVerdict.PINNED;
  }

  private void load() {
    if (!Files.isDirectory(trustedDir)) {
      LOG.debug("No trusted directory at {} yet; starting with no pins", trustedDir);
      return;
    }
    try {
      SecretFile.removeStaleTemps(trustedDir);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(trustedDir)) {
        for (Path entry : entries) {
          loadPin(entry);
        }
      }
    } catch (IOException e) {
      throw new IdentityException("could not read the trusted keys in " + trustedDir + " (" + e.getMessage()
          + "); make the directory readable by this process", e);
    }
    LOG.info("Loaded {} trusted key(s) from {} ({} mode)", pins.size(), trustedDir, mode);
  }

  private void loadPin(Path entry) throws IOException {
    String fileName = entry.getFileName().toString();
    if (!fileName.endsWith(PIN_SUFFIX) || !Files.isRegularFile(entry)) {
      LOG.warn("Ignoring {} in the trusted directory: pins are files named <name@host>{}", entry, PIN_SUFFIX);
      return;
    }
    String nodeName = fileName.substring(0, fileName.length() - PIN_SUFFIX.length());
    Optional<NodeName> node = NodeName.tryParse(nodeName);
    if (node.isEmpty()) {
      LOG.warn("Ignoring {}: '{}' is not a valid node name (name@host, characters A-Z a-z 0-9 _ . -)",
          entry, nodeName);
      return;
    }
    long size = Files.size(entry);
    if (size != Ed25519.KEY_SIZE) {
      LOG.warn("Ignoring {}: it is {} bytes, but a pin is the peer's raw {}-byte node.pub (no PEM, no base64)",
          entry, size, Ed25519.KEY_SIZE);
      return;
    }
    byte[] key = Files.readAllBytes(entry);
    if (key.length != Ed25519.KEY_SIZE) {
      LOG.warn("Ignoring {}: it changed size while being read", entry);
      return;
    }
    Instant modified = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant();
    pins.put(node.get(), TrustPin.of(node.get(), key, modified, PinLevel.PERMANENT));
  }
}
