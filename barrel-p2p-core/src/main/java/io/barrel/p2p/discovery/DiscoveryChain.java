package io.barrel.p2p.discovery;

import io.barrel.p2p.NodeName;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backends asked in order: the first one that knows a node wins a lookup, registrations go to
 * every backend that stores them, and the node list is the union of all.
 *
 * <p>One broken backend never breaks discovery: a backend that throws is logged and skipped, and
 * the others still answer. A lookup answer that is not resolved is a broken answer too (callers
 * dial what they get) and is skipped the same way.
 */
public final class DiscoveryChain implements Discovery {

  private static final Logger log = LoggerFactory.getLogger(DiscoveryChain.class);

  private final List<Discovery> backends;

  /** A chain asking {@code backends} in list order. */
  public DiscoveryChain(List<Discovery> backends) {
    Objects.requireNonNull(backends, "backends");
    for (Discovery backend : backends) {
      Objects.requireNonNull(backend, "a discovery backend in the chain is null");
    }
    this.backends = List.copyOf(backends);
  }

  /**
   * Builds the chain {@code config} describes: the built-in backends in {@code config.order()}
   * (static only when it has entries, file only with a directory, DNS only when enabled), custom
   * backends where {@code order} names them, and the remaining custom backends after all of those,
   * in the order given. Host names in static entries and endpoint files resolve through the system
   * resolver; only DNS discovery asks {@code dnsServer}.
   *
   * @throws IllegalArgumentException when {@code order} names an unknown backend, or a custom
   *     backend's name is blank, taken by a built-in, or used twice
   */
  public static DiscoveryChain build(DiscoveryConfig config, List<Discovery> customBackends) {
    Objects.requireNonNull(config, "config");
    Map<String, Discovery> custom =
        customByName(customBackends == null ? List.of() : customBackends);
    for (String entry : config.order()) {
      if (!DiscoveryConfig.BUILT_IN_BACKENDS.contains(entry) && !custom.containsKey(entry)) {
        throw new IllegalArgumentException(DiscoveryConfig.PREFIX + "order contains '" + entry
            + "'; allowed: " + String.join(", ", DiscoveryConfig.BUILT_IN_BACKENDS)
            + ", or the name() of a custom backend"
            + (custom.isEmpty()
                ? " (none are registered)"
                : " (registered: " + String.join(", ", custom.keySet()) + ")"));
      }
    }
    List<Discovery> chain = new ArrayList<>();
    for (String entry : config.order()) {
      switch (entry) {
        case "static" -> {
          if (!config.staticNodes().isEmpty()) {
            chain.add(StaticDiscovery.parse(config.staticNodes()));
          }
        }
        case "file" -> {
          if (config.fileDirectory() != null) {
            chain.add(new FileDiscovery(config.fileDirectory()));
          }
        }
        case "dns" -> {
          if (config.dnsEnabled()) {
            chain.add(dns(config));
          }
        }
        default -> chain.add(custom.remove(entry));
      }
    }
    chain.addAll(custom.values());
    log.debug("discovery chain: {}", chain);
    return new DiscoveryChain(chain);
  }

  private static Map<String, Discovery> customByName(List<Discovery> customBackends) {
    Map<String, Discovery> byName = new LinkedHashMap<>();
    for (Discovery backend : customBackends) {
      Objects.requireNonNull(backend, "a custom discovery backend is null");
      String name = backend.name();
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("custom discovery backend "
            + backend.getClass().getName()
            + " has a blank name(); return a short unique name such as 'consul'");
      }
      if (DiscoveryConfig.BUILT_IN_BACKENDS.contains(name) || name.equals("chain")) {
        throw new IllegalArgumentException("custom discovery backend "
            + backend.getClass().getName() + " is named '" + name
            + "', which a built-in backend uses; return another name()");
      }
      if (byName.putIfAbsent(name, backend) != null) {
        throw new IllegalArgumentException("two custom discovery backends are named '" + name
            + "' (" + byName.get(name).getClass().getName() + " and " + backend.getClass().getName()
            + "); names must be unique");
      }
    }
    return byName;
  }

  private static DnsDiscovery dns(DiscoveryConfig config) {
    JndiDnsResolver resolver =
        new JndiDnsResolver(config.dnsServer(), config.dnsTimeout(), config.dnsAttempts());
    return config.dnsSrvName() == null
        ? DnsDiscovery.addressRecords(resolver, config.dnsDefaultPort())
        : DnsDiscovery.srvRecords(resolver, config.dnsSrvName(), config.dnsNamePrefix());
  }

  /** The backends, in the order they are asked. */
  public List<Discovery> backends() {
    return backends;
  }

  @Override
  public Optional<InetSocketAddress> lookup(NodeName node) {
    for (Discovery backend : backends) {
      Optional<InetSocketAddress> found;
      try {
        found = backend.lookup(node);
      } catch (Exception e) {
        log.warn("discovery backend '{}' threw while looking up '{}'; asking the next one",
            backend.name(), node, e);
        continue;
      }
      if (found == null || found.isEmpty()) {
        continue;
      }
      if (found.get().isUnresolved()) {
        log.warn("discovery backend '{}' returned unresolved address {} for '{}'; backends must "
            + "resolve what they return; asking the next one", backend.name(), found.get(), node);
        continue;
      }
      log.debug("discovery: '{}' found by '{}' at {}", node, backend.name(), found.get());
      return found;
    }
    return Optional.empty();
  }

  /**
   * Looks {@code node} up in the backends that answer from memory, in order, stopping at the first
   * that might block: what {@link #lookup} would return if the answer comes before any blocking
   * backend, otherwise empty (the caller then runs {@link #lookup} where blocking is allowed).
   */
  public Optional<InetSocketAddress> lookupFromMemory(NodeName node) {
    for (Discovery backend : backends) {
      if (!backend.answersFromMemory()) {
        return Optional.empty();
      }
      Optional<InetSocketAddress> found;
      try {
        found = backend.lookup(node);
      } catch (RuntimeException e) {
        return Optional.empty(); // lookup() asks again, logs it and goes on to the next backend
      }
      if (found != null && found.isPresent() && !found.get().isUnresolved()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** True when every backend of the chain answers from memory. */
  @Override
  public boolean answersFromMemory() {
    for (Discovery backend : backends) {
      if (!backend.answersFromMemory()) {
        return false;
      }
    }
    return true;
  }

  /** Registers with every backend that supports it; one failing does not stop the others. */
  @Override
  public void register(NodeName self, InetSocketAddress address) {
    for (Discovery backend : backends) {
      if (!backend.supportsRegister()) {
        continue;
      }
      try {
        backend.register(self, address);
      } catch (Exception e) {
        log.warn("discovery backend '{}' could not register '{}' at {}: {}",
            backend.name(), self, address, e.getMessage(), e);
      }
    }
  }

  @Override
  public boolean supportsRegister() {
    return backends.stream().anyMatch(Discovery::supportsRegister);
  }

  /** Unregisters from every backend that registers; one failing does not stop the others. */
  @Override
  public void unregister(NodeName self) {
    for (Discovery backend : backends) {
      if (!backend.supportsRegister()) {
        continue;
      }
      try {
        backend.unregister(self);
      } catch (Exception e) {
        log.warn("discovery backend '{}' could not unregister '{}': {}",
            backend.name(), self, e.getMessage(), e);
      }
    }
  }

  /** The sorted union of every backend's list; a backend that throws contributes nothing. */
  @Override
  public Set<NodeName> list() {
    Set<NodeName> all = new TreeSet<>();
    for (Discovery backend : backends) {
      try {
        Set<NodeName> some = backend.list();
        if (some != null) {
          all.addAll(some);
        }
      } catch (Exception e) {
        log.warn("discovery backend '{}' threw while listing nodes; skipped", backend.name(), e);
      }
    }
    return Collections.unmodifiableSet(all);
  }

  @Override
  public String name() {
    return "chain";
  }

  @Override
  public String toString() {
    return backends.stream()
        .map(Discovery::name)
        .collect(Collectors.joining(" -> ", "DiscoveryChain[", "]"));
  }
}
