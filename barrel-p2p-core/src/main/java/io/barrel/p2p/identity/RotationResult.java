package io.barrel.p2p.identity;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The outcome of rotating the node's Ed25519 key: the new identity, effective from the next
 * handshake, and where the old key pair was saved.
 *
 * @param identity the new identity, already on disk
 * @param backupDir the directory holding the previous {@code node.key}/{@code node.pub}, or null when
 *     there was no previous key
 */
public record RotationResult(NodeIdentity identity, Path backupDir) {

  /** Checks that the identity is present. */
  public RotationResult {
    Objects.requireNonNull(identity, "identity");
  }
}
