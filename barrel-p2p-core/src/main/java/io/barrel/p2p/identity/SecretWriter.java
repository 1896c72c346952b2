package io.barrel.p2p.identity;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a store puts new secret material on disk. {@link SecretFile#write} is the one production
 * implementation; the interface exists so that the rollback of a failed rotation can be exercised
 * with a writer that fails on purpose.
 */
@FunctionalInterface
public interface SecretWriter {

  /** The atomic, owner-only writer every store uses by default. */
  SecretWriter ATOMIC = SecretFile::write;

  /** Replaces {@code target} with {@code content}. */
  void write(Path target, byte[] content) throws IOException;
}
