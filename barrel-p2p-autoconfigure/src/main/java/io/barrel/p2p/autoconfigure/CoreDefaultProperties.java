package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.rpc.LoadBalancer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The core's defaults as the lowest-precedence property source of the environment, so that the
 * {@code barrel.p2p.*} properties bind onto the core's configuration records.
 *
 * <p>Why: Spring binds a record through its canonical constructor, with only the properties that are
 * set; a record with one property set would get null or zero for all the others and fail its own
 * validation. With every core default present in the environment, the binder always has a complete
 * set, and what the application sets wins. The defaults are read from {@code NodeConfig.builder()}
 * itself, never copied, so they cannot drift from the core.
 */
public final class CoreDefaultProperties {

  /** Name of the property source, as it appears in {@code /actuator/env}. */
  public static final String SOURCE_NAME = "barrelP2pCoreDefaults";

  /**
   * Record components under NodeConfig that are not properties, as dotted paths of component names:
   * the name is {@code node-name}; discovery backends, metrics and the RPC codec are beans; a default
   * service name for every proxy makes no sense (a client group names its own); per-method policies
   * need every field of a policy, which a property map cannot default.
   */
  static final Set<String> NOT_PROPERTIES = Set.of("name", "customDiscovery", "metrics", "rpc.codec",
      "rpc.callDefaults.service", "rpc.callDefaults.methodPolicies");

  private static final String DISCOVERY_FILE_DIRECTORY = P2pProperties.PREFIX + ".discovery.file-directory";

  private CoreDefaultProperties() {}

  /** A node configuration with nothing but the core's defaults (under a placeholder name). */
  static NodeConfig coreDefaults() {
    return NodeConfig.builder("defaults@localhost").build();
  }

  /** Adds the defaults as the last property source of {@code environment}, once. */
  public static void install(ConfigurableEnvironment environment) {
    if (!environment.getPropertySources().contains(SOURCE_NAME)) {
      environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, render()));
    }
  }

  /** Every default as a property name and the string Spring binds it from. */
  public static Map<String, Object> render() {
    Map<String, Object> out = new LinkedHashMap<>();
    renderRecord(P2pProperties.PREFIX, "", coreDefaults(), out);
    // As in NodeConfig.Builder, the file backend lives under the data directory unless set.
    out.put(DISCOVERY_FILE_DIRECTORY, "${" + P2pProperties.PREFIX + ".data-directory}/discovery");
    return out;
  }

  /**
   * @param path the dotted component names from NodeConfig down to {@code value}, "" at the top
   */
  private static void renderRecord(String prefix, String path, Record value, Map<String, Object> out) {
    for (RecordComponent component : value.getClass().getRecordComponents()) {
      String componentPath = path.isEmpty() ? component.getName() : path + "." + component.getName();
      if (NOT_PROPERTIES.contains(componentPath)) {
        continue;
      }
      renderValue(prefix + "." + kebab(component.getName()), componentPath, read(component, value), out);
    }
  }

  private static void renderValue(String name, String path, Object value, Map<String, Object> out) {
    if (value == null) {
      return; // unset: the record's constructor receives null, which is what its default means
    }
    if (value instanceof Record nested) {
      renderRecord(name, path, nested, out);
    } else if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object element : list) {
        renderValue(name + "[" + i++ + "]", path, element, out);
      }
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((key, element) -> renderValue(name + "." + key, path, element, out));
    } else {
      out.put(name, scalar(name, value));
    }
  }

  /** A scalar in the form a user would write it in application.yml. */
  static String scalar(String name, Object value) {
    if (value instanceof Duration d) {
      return duration(d);
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    if (value instanceof Path || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof LoadBalancer balancer) {
      return balancerName(name, balancer);
    }
    throw new IllegalStateException("the core default " + name + " has type " + value.getClass().getName()
        + ", which barrel-p2p-autoconfigure does not know how to write as a property");
  }

  /** A built-in balancer's configuration name, which {@link LoadBalancer#named} turns back into one like it. */
  private static String balancerName(String name, LoadBalancer balancer) {
    String candidate = balancer.toString();
    try {
      if (LoadBalancer.named(candidate).getClass() == balancer.getClass()) {
        return candidate;
      }
    } catch (IllegalArgumentException notAName) {
      // falls through to the failure below
    }
    throw new IllegalStateException("the core default " + name + " is the load balancer " + candidate
        + ", which has no configuration name barrel-p2p-autoconfigure could write as a property");
  }

  /** The largest whole unit: {@code 30s}, {@code 5m}, {@code 500ms}. */
  static String duration(Duration d) {
    long nanos = d.toNanos();
    long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
    String[] units = {"d", "h", "m", "s", "ms", "us"};
    for (int i = 0; i < sizes.length; i++) {
      if (nanos != 0 && nanos % sizes[i] == 0) {
        return nanos / sizes[i] + units[i];
      }
    }
    return nanos == 0 ? "0ms" : nanos + "ns";
  }

  /**
   * {@code keepAliveInterval} to {@code keep-alive-interval}: a dash before every capital, as Spring
   * names constructor-bound properties (so {@code maxIHaveBatch} is {@code max-i-have-batch}; relaxed
   * binding ignores dashes, so {@code max-ihave-batch} binds too).
   */
  static String kebab(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c) && out.length() > 0 && out.charAt(out.length() - 1) != '-') {
        out.append('-');
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString();
  }

  private static Object read(RecordComponent component, Record value) {
    try {
      return component.getAccessor().invoke(value);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + value.getClass().getName() + "." + component.getName(), e);
    }
  }

  /** The record types the defaults are read from, for AOT reflection hints. */
  static List<Class<? extends Record>> recordTypes() {
    return List.of(NodeConfig.class, io.barrel.p2p.transport.TransportConfig.class,
        io.barrel.p2p.transport.auth.AuthConfig.class, io.barrel.p2p.discovery.DiscoveryConfig.class,
        io.barrel.p2p.membership.MembershipConfig.class, io.barrel.p2p.broadcast.PlumtreeConfig.class,
        io.barrel.p2p.registry.RegistryConfig.class, io.barrel.p2p.registry.LivenessConfig.class,
        io.barrel.p2p.registry.OverlayConfig.class,
        io.barrel.p2p.crdt.CrdtConfig.class, io.barrel.p2p.transport.auth.ExemptNodePattern.class,
        io.barrel.p2p.rpc.RpcConfig.class, io.barrel.p2p.rpc.RpcLimits.class, io.barrel.p2p.rpc.CallOptions.class,
        io.barrel.p2p.rpc.InstanceFilter.class, io.barrel.p2p.rpc.CallPolicy.class,
        io.barrel.p2p.rpc.OutlierPolicy.class);
  }
}
