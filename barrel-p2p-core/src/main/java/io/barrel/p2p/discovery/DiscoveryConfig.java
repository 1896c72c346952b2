package io.barrel.p2p.discovery;

import io.barrel.p2p.NodeName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the discovery layer ({@code barrel.p2p.discovery.*}), validated when built; start
 * from {@link #defaults()} and change what differs with the {@code with...} methods.
 *
 * @param staticNodes entries for {@link StaticDiscovery}, {@value StaticDiscovery#ENTRY_FORMAT};
 *     default none
 * @param fileDirectory directory of {@link FileDiscovery}; default {@code data/discovery}; null
 *     turns the file backend off
 * @param dnsEnabled whether {@link DnsDiscovery} is in the chain; default true
 * @param dnsDefaultPort the port every node is assumed to listen on in A/AAAA mode, where DNS
 *     carries no port; default {@value #DEFAULT_DNS_PORT}, the default QUIC listener port
 * @param dnsSrvName SRV name to query, which switches DNS discovery to SRV mode; null (default)
 *     for A/AAAA mode
 * @param dnsNamePrefix name part of the nodes found by SRV ({@code <prefix>@<target>}); required
 *     with, and only with, {@code dnsSrvName}
 * @param dnsServer DNS server as {@code host}, {@code host:port} or {@code [ipv6]:port}; null
 *     (default) for the system's resolver
 * @param dnsTimeout how long the first DNS attempt waits; each further attempt waits twice as long
 *     as the one before; default 2 s
 * @param dnsAttempts how many times a DNS query is sent before giving up; default {@value
 *     #DEFAULT_DNS_ATTEMPTS}, so a query gives up after at most 3 x {@code dnsTimeout}
 * @param order which backends are asked, first to last: {@code static}, {@code file}, {@code dns}
 *     and the {@link Discovery#name()} of custom backends; default static, file, dns (custom
 *     backends not named here are asked after these)
 */
public record DiscoveryConfig(
    List<String> staticNodes,
    Path fileDirectory,
    boolean dnsEnabled,
    int dnsDefaultPort,
    String dnsSrvName,
    String dnsNamePrefix,
    String dnsServer,
    Duration dnsTimeout,
    int dnsAttempts,
    List<String> order) {

  /** Prefix of the Spring properties these settings bind from; used in error messages. */
  public static final String PREFIX = "barrel.p2p.discovery.";
  /** Default {@code fileDirectory}, relative to the working directory. */
  public static final Path DEFAULT_FILE_DIRECTORY = Path.of("data", "discovery");
  /** Default {@code dnsDefaultPort}: this project's QUIC port (the reference used 4433). */
  public static final int DEFAULT_DNS_PORT = 9443;
  /** Default {@code dnsTimeout}. */
  public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(2);
  /** Default {@code dnsAttempts}. */
  public static final int DEFAULT_DNS_ATTEMPTS = 2;
  /** Names of the built-in backends, in their default order. */
  public static final List<String> BUILT_IN_BACKENDS = List.of("static", "file", "dns");

  /** Validates; null lists, timeout and order take their defaults. */
  public DiscoveryConfig {
    staticNodes = staticNodes == null ? List.of() : copy(staticNodes, "static-nodes");
    dnsTimeout = dnsTimeout == null ? DEFAULT_DNS_TIMEOUT : dnsTimeout;
    order = order == null ? BUILT_IN_BACKENDS : copy(order, "order");
    try {
      StaticDiscovery.parse(staticNodes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + "static-nodes: " + e.getMessage(), e);
    }
    if (dnsDefaultPort < 1 || dnsDefaultPort > 65535) {
      throw new IllegalArgumentException(PREFIX + "dns-default-port is " + dnsDefaultPort
          + "; use the port nodes listen on, between 1 and 65535");
    }
    checkSrv(dnsSrvName, dnsNamePrefix);
    if (dnsServer != null) {
      try {
        HostPort.parse(dnsServer, JndiDnsResolver.DNS_PORT);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(PREFIX + "dns-server '" + dnsServer + "' is invalid: "
            + e.getMessage() + "; use host, host:port or [ipv6]:port, or leave it unset for the "
            + "system resolver", e);
      }
    }
    if (dnsTimeout.isNegative() || dnsTimeout.isZero()
        || dnsTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(PREFIX + "dns-timeout is " + dnsTimeout
          + "; use a duration between 1ms and 1m, e.g. 2s");
    }
    if (dnsAttempts < 1 || dnsAttempts > 10) {
      throw new IllegalArgumentException(
          PREFIX + "dns-attempts is " + dnsAttempts + "; use 1 to 10");
    }
    checkOrder(order);
  }

  private static List<String> copy(List<String> values, String property) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new IllegalArgumentException(
            PREFIX + property + "[" + i + "] is null; remove the empty entry");
      }
    }
    return List.copyOf(values);
  }

  private static void checkSrv(String srvName, String prefix) {
    if (srvName != null) {
      if (srvName.isBlank() || srvName.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
        throw new IllegalArgumentException(PREFIX + "dns-srv-name '" + srvName
            + "' is not a DNS name; e.g. _barrel-p2p._udp.my-svc.my-ns.svc.cluster.local, "
            + "or leave it unset for A/AAAA mode");
      }
      if (prefix == null) {
        throw new IllegalArgumentException(PREFIX + "dns-name-prefix is not set but dns-srv-name "
            + "is; set it to the name part the nodes behind the SRV name use, e.g. 'app' for "
            + "app@<pod host>");
      }
      if (NodeName.tryParse(prefix + "@x").isEmpty()) {
        throw new IllegalArgumentException(PREFIX + "dns-name-prefix '" + prefix
            + "' is not a valid name part of a node name; use A-Z a-z 0-9 _ . - and do not start "
            + "with '.' or '-'");
      }
    } else if (prefix != null) {
      throw new IllegalArgumentException(PREFIX + "dns-name-prefix is set but dns-srv-name is "
          + "not; the prefix names the nodes an SRV query finds, so set dns-srv-name too or "
          + "remove the prefix");
    }
  }

  private static void checkOrder(List<String> order) {
    Set<String> seen = new HashSet<>();
    for (String entry : order) {
      if (entry.isBlank()) {
        throw new IllegalArgumentException(PREFIX + "order contains an empty entry; allowed: "
            + String.join(", ", BUILT_IN_BACKENDS) + ", or the name() of a custom backend");
      }
      if (!seen.add(entry)) {
        throw new IllegalArgumentException(
            PREFIX + "order lists '" + entry + "' twice; list each backend once");
      }
    }
  }

  /** The defaults: no static nodes, files in {@code data/discovery}, DNS A/AAAA on port 9443. */
  public static DiscoveryConfig defaults() {
    return new DiscoveryConfig(List.of(), DEFAULT_FILE_DIRECTORY, true, DEFAULT_DNS_PORT, null,
        null, null, DEFAULT_DNS_TIMEOUT, DEFAULT_DNS_ATTEMPTS, BUILT_IN_BACKENDS);
  }

  /** A copy with these static entries. */
  public DiscoveryConfig withStaticNodes(List<String> entries) {
    return new DiscoveryConfig(entries, fileDirectory, dnsEnabled, dnsDefaultPort, dnsSrvName,
        dnsNamePrefix, dnsServer, dnsTimeout, dnsAttempts, order);
  }

  /** A copy with this endpoint directory; null turns the file backend off. */
  public DiscoveryConfig withFileDirectory(Path directory) {
    return new DiscoveryConfig(staticNodes, directory, dnsEnabled, dnsDefaultPort, dnsSrvName,
        dnsNamePrefix, dnsServer, dnsTimeout, dnsAttempts, order);
  }

  /** A copy with DNS discovery on or off. */
  public DiscoveryConfig withDnsEnabled(boolean enabled) {
    return new DiscoveryConfig(staticNodes, fileDirectory, enabled, dnsDefaultPort, dnsSrvName,
        dnsNamePrefix, dnsServer, dnsTimeout, dnsAttempts, order);
  }

  /** A copy with this A/AAAA-mode port. */
  public DiscoveryConfig withDnsDefaultPort(int port) {
    return new DiscoveryConfig(staticNodes, fileDirectory, dnsEnabled, port, dnsSrvName,
        dnsNamePrefix, dnsServer, dnsTimeout, dnsAttempts, order);
  }

  /** A copy in SRV mode (both set) or A/AAAA mode (both null); they are only valid together. */
  public DiscoveryConfig withDnsSrv(String srvName, String namePrefix) {
    return new DiscoveryConfig(staticNodes, fileDirectory, dnsEnabled, dnsDefaultPort, srvName,
        namePrefix, dnsServer, dnsTimeout, dnsAttempts, order);
  }

  /** A copy asking this DNS server; null for the system resolver. */
  public DiscoveryConfig withDnsServer(String server) {
    return new DiscoveryConfig(staticNodes, fileDirectory, dnsEnabled, dnsDefaultPort, dnsSrvName,
        dnsNamePrefix, server, dnsTimeout, dnsAttempts, order);
  }

  /** A copy with this first-attempt DNS timeout and number of attempts. */
  public DiscoveryConfig withDnsTimeout(Duration timeout, int attempts) {
    return new DiscoveryConfig(staticNodes, fileDirectory, dnsEnabled, dnsDefaultPort, dnsSrvName,
        dnsNamePrefix, dnsServer, timeout, attempts, order);
  }

  /** A copy asking backends in this order. */
  public DiscoveryConfig withOrder(List<String> backends) {
    return new DiscoveryConfig(staticNodes, fileDirectory, dnsEnabled, dnsDefaultPort, dnsSrvName,
        dnsNamePrefix, dnsServer, dnsTimeout, dnsAttempts, backends);
  }
}
