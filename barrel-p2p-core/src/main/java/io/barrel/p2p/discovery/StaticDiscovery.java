package io.barrel.p2p.discovery;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed list of nodes and their addresses, from configuration: entries such as {@code
 * app@h1=10.0.0.1:9443}, {@code app@h2=node2.example.com:9443} or {@code app@h3=[fd00::3]:9443}.
 *
 * <p>A host name in an entry is resolved at each lookup, not at start-up, so a node whose address
 * changes is followed and an unresolvable name fails only the lookups for that node (empty result,
 * a warning) instead of the whole configuration. Address literals are parsed once, when the list
 * is made; a list of literals only answers from memory ({@link #answersFromMemory()}).
 */
public final class StaticDiscovery implements Discovery {

  /** What an entry looks like, quoted in every parse error. */
  public static final String ENTRY_FORMAT = "name@host=host:port, e.g. app@h1=10.0.0.1:9443, "
      + "app@h1=node1.example.com:9443 or app@h1=[::1]:9443";

  private static final Logger log = LoggerFactory.getLogger(StaticDiscovery.class);

  private final SortedMap<NodeName, InetSocketAddress> entries;
  private final DnsResolver resolver;
  private final boolean fromMemory;

  /**
   * Creates a backend from addresses; unresolved ones ({@link InetSocketAddress#createUnresolved})
   * are resolved with the system resolver at each lookup.
   */
  public StaticDiscovery(Map<NodeName, InetSocketAddress> entries) {
    this(entries, DnsResolver.system());
  }

  /** Creates a backend that resolves unresolved addresses with {@code resolver}. */
  public StaticDiscovery(Map<NodeName, InetSocketAddress> entries, DnsResolver resolver) {
    Objects.requireNonNull(entries, "entries");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    SortedMap<NodeName, InetSocketAddress> copy = new TreeMap<>();
    entries.forEach((node, address) -> {
      Objects.requireNonNull(node, "node name in static discovery entries");
      if (address == null || address.getPort() == 0) {
        throw new IllegalArgumentException(
            "static discovery entry for '" + node
                + "' has no address or port 0; give the port it listens on");
      }
      copy.put(node, literalResolved(address));
    });
    this.entries = Collections.unmodifiableSortedMap(copy);
    this.fromMemory = copy.values().stream().noneMatch(InetSocketAddress::isUnresolved);
  }

  /** Parses entries in {@link #ENTRY_FORMAT}; host names are resolved with the system resolver. */
  public static StaticDiscovery parse(List<String> entries) {
    return parse(entries, DnsResolver.system());
  }

  /**
   * Parses entries in {@link #ENTRY_FORMAT}.
   *
   * @throws IllegalArgumentException naming the entry (1-based) that is wrong, what is wrong with
   *     it, and the expected format; also when a node is listed twice
   */
  public static StaticDiscovery parse(List<String> entries, DnsResolver resolver) {
    Objects.requireNonNull(entries, "entries");
    Map<NodeName, InetSocketAddress> parsed = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      Map.Entry<NodeName, HostPort> one;
      try {
        one = parseEntry(entry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("static discovery entry " + (i + 1) + " ('" + entry
            + "') is invalid: " + e.getMessage() + "; expected " + ENTRY_FORMAT, e);
      }
      HostPort at = one.getValue();
      InetSocketAddress unresolved = InetSocketAddress.createUnresolved(at.host(), at.port());
      if (parsed.put(one.getKey(), unresolved) != null) {
        throw new IllegalArgumentException("static discovery entry " + (i + 1) + " ('" + entry
            + "') lists node '" + one.getKey() + "' a second time; keep one entry per node");
      }
    }
    return new StaticDiscovery(parsed, resolver);
  }

  private static Map.Entry<NodeName, HostPort> parseEntry(String entry) {
    if (entry == null || entry.isBlank()) {
      throw new IllegalArgumentException("it is empty");
    }
    int eq = entry.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException("there is no '=' between the node name and its address");
    }
    NodeName node = NodeName.of(entry.substring(0, eq).strip());
    HostPort address = HostPort.parse(entry.substring(eq + 1), HostPort.PORT_REQUIRED);
    return Map.entry(node, address);
  }

  @Override
  public Optional<InetSocketAddress> lookup(NodeName node) {
    InetSocketAddress address = entries.get(node);
    if (address == null) {
      return Optional.empty();
    }
    if (!address.isUnresolved()) {
      return Optional.of(address);
    }
    HostPort target = new HostPort(address.getHostString(), address.getPort());
    try {
      Optional<InetSocketAddress> resolved = target.resolve(resolver);
      if (resolved.isEmpty()) {
        log.warn("static discovery: host '{}' of node '{}' has no address; check the entry or DNS",
            target.host(), node);
      }
      return resolved;
    } catch (IOException | RuntimeException e) {
      log.warn("static discovery: could not resolve host '{}' of node '{}': {}",
          target.host(), node, e.toString());
      return Optional.empty();
    }
  }

  /** True when every entry is an address literal: lookups then never ask DNS. */
  @Override
  public boolean answersFromMemory() {
    return fromMemory;
  }

  /** An unresolved address whose host is an address literal, as the address it spells. */
  private static InetSocketAddress literalResolved(InetSocketAddress address) {
    if (!address.isUnresolved()) {
      return address;
    }
    return IpLiteral.parse(address.getHostString())
        .map(ip -> new InetSocketAddress(ip, address.getPort()))
        .orElse(address);
  }

  @Override
  public Set<NodeName> list() {
    return entries.keySet();
  }

  @Override
  public String name() {
    return "static";
  }

  @Override
  public String toString() {
    return "StaticDiscovery" + entries.keySet();
  }
}
