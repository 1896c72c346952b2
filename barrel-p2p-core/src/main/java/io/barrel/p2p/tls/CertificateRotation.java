package io.barrel.p2p.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The outcome of replacing the node's QUIC certificate and key. A running QUIC listener keeps the
 * material it started with; the new one is presented by listeners and connections built afterwards.
 *
 * @param material the new certificate and key, already on disk
 * @param backupDir the directory holding the previous {@code node.crt}/{@code node.key}, or null when
 *     there were none
 */
public record CertificateRotation(TlsMaterial material, Path backupDir) {

  /** Checks that the material is present. */
  public CertificateRotation {
    Objects.requireNonNull(material, "material");
  }
}
