package io.barrel.p2p.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Publishes a Spring bean cluster-wide: once the node has started, every node can call it through an
 * injected proxy ({@link ImportP2pServices}) or {@code ServiceLocator.proxy}. Put it on the bean's
 * class (a {@code @Component}, or the class a {@code @Bean} method returns), or on the {@code @Bean}
 * method itself, which suits classes you cannot annotate; the class's annotation wins when both have
 * one.
 *
 * <p>The bean is published under each of its service interfaces, by default every interface its
 * class (or a superclass) implements directly, except infrastructure: interfaces of the JDK
 * ({@code java.*}, {@code javax.*}, {@code jdk.*}, {@code sun.*}, {@code com.sun.*}), of Spring
 * ({@code org.springframework.*}), Kotlin ({@code kotlin.*}) and Groovy ({@code groovy.*}). A
 * service interface's own super-interfaces come with it, not as services of their own. Each
 * service is named after its interface's fully qualified name unless {@link #name} says otherwise.
 *
 * <p>When the bean is proxied (transactions, security, metrics advice), this annotation is read from
 * the target class and the proxy is what is published, so every remote call goes through the advice.
 * The bean must be a singleton.
 *
 * <p>Published after the node starts, unpublished before it stops (see the starter's lifecycle): the
 * registration goes first, so callers stop choosing this node, then calls still arriving are turned
 * away and retried elsewhere. A bean that does not implement a named interface, names a service for
 * several interfaces, or has a method that cannot be called remotely stops the application at
 * startup, saying what to change.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface P2pService {

  /**
   * The service name; empty (the default) for each interface's fully qualified name. Only with a
   * single service interface. Placeholders such as {@code ${orders.service-name}} are resolved.
   */
  String name() default "";

  /** The version callers can filter on ({@code 2.1.0}); empty for none. Placeholders are resolved. */
  String version() default "";

  /** Labels callers can filter on ({@code eu}, {@code canary}). Placeholders are resolved. */
  String[] tags() default {};

  /** This instance's relative share of calls, 1..10,000; 100 is everyone's default. */
  int weight() default 100;

  /**
   * The interfaces to publish the bean under; empty (the default) for all of its service interfaces
   * (see the rule above). The bean's class must implement each.
   */
  Class<?>[] interfaces() default {};
}
