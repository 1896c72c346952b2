package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import java.util.Objects;

/**
 * A {@code name@host} pattern naming peers exempt from key pinning, where either half may be
 * {@code *}. An exempt peer still signs and proves the cluster secret; only the pin lookup is
 * skipped, so it is admitted on the strength of the secret (hence the rule that exemptions need a
 * non-default secret).
 *
 * @param name the name half, or {@code *}
 * @param host the host half, or {@code *}
 */
public record ExemptNodePattern(String name, String host) {

  /** The wildcard that matches any name or any host. */
  public static final String ANY = "*";

  /** Checks that each half is {@code *} or could appear in a valid node name. */
  public ExemptNodePattern {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    String probe = (ANY.equals(name) ? "x" : name) + "@" + (ANY.equals(host) ? "x" : host);
    if (NodeName.tryParse(probe).isEmpty()) {
      throw new IllegalArgumentException("invalid exempt node pattern '" + name + "@" + host
          + "': each half is '*' or a node-name part (A-Z a-z 0-9 _ . -, not starting with . or -)");
    }
  }

  /**
   * Parses {@code name@host}, {@code *@host}, {@code name@*} or {@code *@*}.
   *
   * @throws IllegalArgumentException naming the pattern and the rule it breaks
   */
  public static ExemptNodePattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    int at = pattern.indexOf('@');
    if (at < 0 || pattern.indexOf('@', at + 1) >= 0) {
      throw new IllegalArgumentException("invalid exempt node pattern '" + pattern
          + "': write it as name@host, where either half may be '*'");
    }
    return new ExemptNodePattern(pattern.substring(0, at), pattern.substring(at + 1));
  }

  /** True when {@code node} is covered by this pattern. */
  public boolean matches(NodeName node) {
    return (ANY.equals(name) || name.equals(node.name())) && (ANY.equals(host) || host.equals(node.host()));
  }

  @Override
  public String toString() {
    return name + "@" + host;
  }
}
