package io.barrel.p2p.autoconfigure.rpc;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.InFlightDrain;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The interfaces a {@code @P2pService} bean is published under: those named in the annotation, or
 * else every interface its class and superclasses implement directly, without infrastructure (JDK,
 * Jakarta, Spring, Micrometer, Kotlin, Groovy, and barrel-p2p's own, such as {@code InFlightDrain}).
 * A service interface's own super-interfaces come with it, not as services.
 */
final class ServiceInterfaces {

  /** Packages whose interfaces are infrastructure, never services. */
  static final List<String> INFRASTRUCTURE = List.of("java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.",
      "org.springframework.", "io.micrometer.", "kotlin.", "groovy.");

  /** barrel-p2p's own extension points, never services whatever loads them. */
  private static final Set<Class<?>> OWN_HOOKS = Set.of(InFlightDrain.class);

  /**
   * Where barrel-p2p's own classes are loaded from (its core and this module). Their interfaces
   * (drains, listeners, SPIs) are never services: published, {@code InFlightDrain} would let any peer
   * hold a serving slot with {@code awaitDrained}. An interface counts as barrel-p2p's own when its
   * package is under {@code io.barrel.p2p} and it comes from there: applications and their tests may
   * use packages under {@code io.barrel.p2p} too, and a shaded jar or a native image gives every
   * class one location.
   */
  private static final Set<String> OWN_CODE = ownCode();

  private ServiceInterfaces() {}

  /**
   * @param bean the bean name, for messages
   * @param targetClass the bean's own class (behind any proxy)
   * @param named the interfaces the annotation names, empty for the default rule
   * @throws IllegalStateException naming the bean and what to change, when there is no interface to
   *     publish or a named one is not implemented
   */
  static List<Class<?>> of(String bean, Class<?> targetClass, Class<?>[] named) {
    if (named.length > 0) {
      for (Class<?> type : named) {
        if (!type.isInterface() || type.isAnnotation()) {
          throw new IllegalStateException("@P2pService bean '" + bean + "' names " + type.getName()
              + " in interfaces, which is not an interface; name the service interfaces it implements");
        }
        if (!type.isAssignableFrom(targetClass)) {
          throw new IllegalStateException("@P2pService bean '" + bean + "' (" + targetClass.getName()
              + ") does not implement " + type.getName() + ", named in @P2pService(interfaces); implement it"
              + " or remove it from interfaces");
        }
      }
      return List.copyOf(new LinkedHashSet<>(List.of(named)));
    }
    Set<Class<?>> found = new LinkedHashSet<>();
    for (Class<?> c = targetClass; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Class<?> type : c.getInterfaces()) {
        if (!isInfrastructure(type)) {
          found.add(type);
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalStateException("@P2pService bean '" + bean + "' (" + targetClass.getName() + ") implements no"
          + " service interface; callers need one: implement an interface with the methods to publish (those"
          + " in " + INFRASTRUCTURE + " and barrel-p2p's own do not count)");
    }
    return new ArrayList<>(found);
  }

  static boolean isInfrastructure(Class<?> type) {
    String name = type.getName();
    for (String prefix : INFRASTRUCTURE) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    if (OWN_HOOKS.contains(type)) {
      return true;
    }
    if (!name.startsWith("io.barrel.p2p.")) {
      return false;
    }
    String where = codeSource(type);
    return where != null && OWN_CODE.contains(where);
  }

  private static Set<String> ownCode() {
    Set<String> own = new HashSet<>();
    for (Class<?> type : List.of(P2pNode.class, ServiceInterfaces.class)) {
      String where = codeSource(type);
      if (where != null) {
        own.add(where);
      }
    }
    return Set.copyOf(own);
  }

  /** The location {@code type} was loaded from, as text (a URL's equals would resolve host names). */
  private static String codeSource(Class<?> type) {
    ProtectionDomain domain = type.getProtectionDomain();
    CodeSource source = domain == null ? null : domain.getCodeSource();
    return source == null || source.getLocation() == null ? null : source.getLocation().toString();
  }
}
