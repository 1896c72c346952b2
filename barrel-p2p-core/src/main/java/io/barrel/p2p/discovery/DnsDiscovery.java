package io.barrel.p2p.discovery;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds nodes in DNS, in one of two modes.
 *
 * <ul>
 *   <li><b>Address records</b> ({@link #addressRecords}): the host part of a node name is a DNS
 *       name (or an IP literal); its A/AAAA records give the address, and every node is assumed to
 *       listen on the same configured port. Nothing can be listed.
 *   <li><b>SRV records</b> ({@link #srvRecords}): one SRV name lists every instance with its own
 *       port, as a Kubernetes headless service does ({@code
 *       _barrel-p2p._udp.my-svc.my-ns.svc.cluster.local}). A node {@code app@pod-0.my-svc...} is
 *       the record whose target is its host part; {@link #list()} names every target as {@code
 *       <prefix>@<target>}.
 * </ul>
 *
 * <p>DNS failures are logged and read as "not found"; nothing is thrown to the caller.
 */
public final class DnsDiscovery implements Discovery {

  private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);

  /** RFC 2782: lowest priority first, then the heaviest weight; ties keep DNS order. */
  private static final Comparator<SrvRecord> PREFERENCE =
      Comparator.comparingInt(SrvRecord::priority)
          .thenComparing(SrvRecord::weight, Comparator.reverseOrder());

  private final DnsResolver resolver;
  private final int port;
  private final String srvName;
  private final String namePrefix;

  private DnsDiscovery(DnsResolver resolver, int port, String srvName, String namePrefix) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.port = port;
    this.srvName = srvName;
    this.namePrefix = namePrefix;
  }

  /**
   * Address-record mode: {@code name@host} is found at {@code host}'s first address and {@code
   * port}.
   */
  public static DnsDiscovery addressRecords(DnsResolver resolver, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "DNS discovery port " + port + " is not between 1 and 65535");
    }
    return new DnsDiscovery(resolver, port, null, null);
  }

  /**
   * SRV mode.
   *
   * @param srvName the SRV name to query, e.g. {@code
   *     _barrel-p2p._udp.my-svc.my-ns.svc.cluster.local}
   * @param namePrefix the name part given to every node found, e.g. {@code app} for {@code
   *     app@<target>}; all nodes behind one SRV name share it
   */
  public static DnsDiscovery srvRecords(DnsResolver resolver, String srvName, String namePrefix) {
    if (srvName == null || srvName.isBlank()) {
      throw new IllegalArgumentException("SRV name is empty; give the service's SRV name, "
          + "e.g. _barrel-p2p._udp.my-svc.my-ns.svc.cluster.local");
    }
    if (namePrefix == null || NodeName.tryParse(namePrefix + "@x").isEmpty()) {
      throw new IllegalArgumentException("SRV name prefix '" + namePrefix
          + "' is not a valid name part of a node name (A-Z a-z 0-9 _ . -), e.g. app");
    }
    return new DnsDiscovery(resolver, 0, srvName.strip(), namePrefix);
  }

  @Override
  public Optional<InetSocketAddress> lookup(NodeName node) {
    try {
      return srvName == null ? lookupAddress(node) : lookupSrv(node);
    } catch (IOException | RuntimeException e) {
      log.warn("dns discovery: lookup of '{}' failed: {}", node, e.toString());
      return Optional.empty();
    }
  }

  private Optional<InetSocketAddress> lookupAddress(NodeName node) throws IOException {
    Optional<InetSocketAddress> found = new HostPort(node.host(), port).resolve(resolver);
    if (found.isEmpty()) {
      log.debug("dns discovery: '{}' has no A/AAAA records", node.host());
    }
    return found;
  }

  private Optional<InetSocketAddress> lookupSrv(NodeName node) throws IOException {
    String host = stripDot(node.host()).toLowerCase(Locale.ROOT);
    Optional<SrvRecord> record = resolver.srv(srvName).stream()
        .filter(r -> r.port() != 0 && r.host().equals(host))
        .min(PREFERENCE);
    if (record.isEmpty()) {
      log.debug("dns discovery: no SRV record of {} targets '{}'", srvName, host);
      return Optional.empty();
    }
    SrvRecord chosen = record.get();
    Optional<InetSocketAddress> found =
        new HostPort(chosen.host(), chosen.port()).resolve(resolver);
    if (found.isEmpty()) {
      log.warn("dns discovery: SRV target '{}' of {} has no A/AAAA records",
          chosen.host(), srvName);
    }
    return found;
  }

  /**
   * In SRV mode, {@code <prefix>@<target>} for every usable SRV target (target in lower case,
   * without the trailing dot); empty in address mode, where DNS cannot enumerate nodes.
   */
  @Override
  public Set<NodeName> list() {
    if (srvName == null) {
      return Set.of();
    }
    List<SrvRecord> records;
    try {
      records = resolver.srv(srvName);
    } catch (IOException | RuntimeException e) {
      log.warn("dns discovery: listing {} failed: {}", srvName, e.toString());
      return Set.of();
    }
    Set<NodeName> nodes = new TreeSet<>();
    for (SrvRecord record : records) {
      if (record.port() == 0 || record.host().isEmpty()) {
        continue;
      }
      Optional<NodeName> node = NodeName.tryParse(namePrefix + "@" + record.host());
      if (node.isPresent()) {
        nodes.add(node.get());
      } else {
        log.debug("dns discovery: SRV target '{}' of {} does not make a valid node name; skipped",
            record.target(), srvName);
      }
    }
    return Collections.unmodifiableSet(nodes);
  }

  private static String stripDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  @Override
  public String name() {
    return "dns";
  }

  @Override
  public String toString() {
    return srvName == null
        ? "DnsDiscovery[A/AAAA, port " + port + "]"
        : "DnsDiscovery[SRV " + srvName + "]";
  }
}
