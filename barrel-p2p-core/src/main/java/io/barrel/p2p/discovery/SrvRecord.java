package io.barrel.p2p.discovery;

import java.util.Locale;

/**
 * One DNS SRV record (RFC 2782): where an instance of a service listens. Kubernetes publishes one
 * per ready pod of a headless service, with the pod's DNS name as {@code target}.
 *
 * @param priority lower is preferred
 * @param weight among equal priorities, higher gets more traffic
 * @param port the port the instance listens on
 * @param target the instance's host name as DNS returned it, usually with a trailing dot
 */
public record SrvRecord(int priority, int weight, int port, String target) {

  public SrvRecord {
    checkUnsigned16("priority", priority);
    checkUnsigned16("weight", weight);
    checkUnsigned16("port", port);
    if (target == null || target.isEmpty()) {
      throw new IllegalArgumentException("SRV target is empty");
    }
  }

  private static void checkUnsigned16(String field, int value) {
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(
          "SRV " + field + " " + value + " is not between 0 and 65535");
    }
  }

  /**
   * The target as a host name: trailing dot removed, lower case (DNS names compare without case).
   * Empty for the target {@code "."}, which RFC 2782 uses to say the service is not available.
   */
  public String host() {
    String t = target.endsWith(".") ? target.substring(0, target.length() - 1) : target;
    return t.toLowerCase(Locale.ROOT);
  }
}
