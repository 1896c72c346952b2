package io.barrel.p2p.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Declares service interfaces to inject as proxies that call the cluster: put it on a
 * {@code @Configuration} class (the application class will do), then inject the interface like any
 * bean, by constructor or otherwise.
 *
 * <pre>{@code
 * @SpringBootApplication
 * @ImportP2pServices(group = "orders", types = {OrderService.class, Invoices.class})
 * class ShopApplication { }
 *
 * @RestController
 * class CheckoutController {
 *   CheckoutController(OrderService orders) { ... }   // calls whichever node serves it
 * }
 * }</pre>
 *
 * <p>The proxies of a group share its settings, {@code barrel.p2p.client.<group>.*} (deadline,
 * retries and backoff, load balancer, version and tag filter, per-instance cap, outlier ejection,
 * headers), which default to {@code barrel.p2p.rpc.call-defaults.*}. Repeat the annotation for
 * several groups; the same interface may appear in more than one group (inject it with
 * {@code @Qualifier("<group>")} then). Each proxy is a bean named {@code <group>#<interface name>},
 * qualified with its group name.
 *
 * <p>Proxies are made before the node starts and call it once it has: a call made before the node
 * runs fails with {@code IllegalStateException}. Each call looks up the live instances, so a proxy
 * follows services as nodes come and go. Bean definitions are registered at configuration time, so
 * this works with ahead-of-time processing and native images.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(ImportP2pServices.Container.class)
@Import(P2pServicesRegistrar.class)
public @interface ImportP2pServices {

  /** The group name in {@code barrel.p2p.client.<group>.*}. */
  String group() default P2pServiceClients.DEFAULT_GROUP;

  /** Service interfaces to make proxies for. */
  Class<?>[] types() default {};

  /**
   * Packages whose interfaces (public, at any depth below) all get proxies: point it at a package that
   * holds service interfaces only, such as a shared API module's.
   */
  String[] basePackages() default {};

  /** Type-safe {@link #basePackages}: the packages of these classes. */
  Class<?>[] basePackageClasses() default {};

  /** Holds repeated {@link ImportP2pServices} annotations. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  @Import(P2pServicesRegistrar.class)
  @interface Container {

    /** The repeated annotations. */
    ImportP2pServices[] value();
  }
}
