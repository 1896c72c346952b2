package io.barrel.p2p.autoconfigure.rpc;

import io.barrel.p2p.autoconfigure.ClientGroupProperties;
import io.barrel.p2p.autoconfigure.P2pProperties;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.RpcLimits;
import io.barrel.p2p.rpc.ServiceLocator;
import io.barrel.p2p.spring.P2pServiceClients;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The starter's {@link P2pServiceClients}: each group's options are its {@code barrel.p2p.client.<group>.*}
 * settings over the call defaults, worked out once at startup (so a bad combination stops the
 * application), and each proxy is made once per group and interface.
 */
public final class GroupedServiceClients implements P2pServiceClients {

  private static final Logger log = LoggerFactory.getLogger(GroupedServiceClients.class);

  private final ServiceLocator locator;
  private final CallOptions defaults;
  private final Map<String, CallOptions> options = new LinkedHashMap<>();
  private final Map<String, Set<Class<?>>> groups;
  private final Map<Key, Object> proxies = new ConcurrentHashMap<>();

  /**
   * @param locator makes the proxies
   * @param defaults the call defaults, {@code barrel.p2p.rpc.call-defaults}
   * @param settings the configured groups, {@code barrel.p2p.client}
   * @param declared the interfaces declared with {@code @ImportP2pServices}, by group
   * @param limits the node's RPC limits, which a group's headers must fit
   * @throws IllegalStateException when a group's settings do not fit its interfaces or the limits
   */
  public GroupedServiceClients(ServiceLocator locator, CallOptions defaults,
      Map<String, ClientGroupProperties> settings, Map<String, Set<Class<?>>> declared, RpcLimits limits) {
    this.locator = locator;
    this.defaults = defaults;
    Map<String, Set<Class<?>>> copy = new LinkedHashMap<>();
    declared.forEach((group, types) -> copy.put(group, Collections.unmodifiableSet(new LinkedHashSet<>(types))));
    this.groups = Collections.unmodifiableMap(copy);
    settings.forEach((group, values) -> {
      String prefix = P2pProperties.PREFIX + ".client." + group;
      Set<Class<?>> types = groups.getOrDefault(group, Set.of());
      if (types.isEmpty()) {
        log.warn("{}.* is set, but no @ImportP2pServices declares group '{}' (groups: {}); check its name",
            prefix, group, groups.keySet());
      }
      if (values.getService() != null && types.size() > 1) {
        throw new IllegalStateException(prefix + ".service names one service (" + values.getService() + "), but"
            + " group '" + group + "' has " + types.size() + " interfaces " + names(types) + "; give the interface"
            + " with another name a group of its own");
      }
      CallOptions groupOptions = values.over(defaults);
      try {
        limits.checkHeaders(groupOptions.headers());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(prefix + ".headers (with the call defaults' headers): " + e.getMessage(), e);
      }
      options.put(group, groupOptions);
    });
  }

  @Override
  public <T> T client(String group, Class<T> serviceInterface) {
    Object proxy = proxies.computeIfAbsent(new Key(group, serviceInterface),
        k -> locator.proxy(serviceInterface, options(group)));
    return serviceInterface.cast(proxy);
  }

  @Override
  public CallOptions options(String group) {
    return options.getOrDefault(group, defaults);
  }

  @Override
  public Map<String, Set<Class<?>>> groups() {
    return groups;
  }

  private static String names(Set<Class<?>> types) {
    return types.stream().map(Class::getSimpleName).sorted().toList().toString();
  }

  private record Key(String group, Class<?> serviceInterface) {}
}
