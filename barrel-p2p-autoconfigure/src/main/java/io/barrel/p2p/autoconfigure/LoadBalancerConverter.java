package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.rpc.LoadBalancer;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.convert.converter.Converter;

/**
 * Reads a load balancer property ({@code barrel.p2p.rpc.call-defaults.balancer},
 * {@code barrel.p2p.client.<group>.balancer}): the name of a {@link LoadBalancer} bean of the
 * application, or a built-in name ({@code power-of-two-choices} or {@code p2c}, {@code round-robin},
 * {@code random}, {@code local-only}, {@code consistent-hash:<argument index>}). A built-in name
 * gives each property its own balancer (a round-robin position per group); a bean is shared by every
 * property that names it.
 */
public final class LoadBalancerConverter implements Converter<String, LoadBalancer> {

  private final BeanFactory beans;

  /** Looks bean names up in {@code beans}. */
  public LoadBalancerConverter(BeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public LoadBalancer convert(String source) {
    String name = source.strip();
    if (!name.isEmpty() && beans.containsBean(name) && beans.isTypeMatch(name, LoadBalancer.class)) {
      return beans.getBean(name, LoadBalancer.class);
    }
    try {
      return LoadBalancer.named(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + ", or the name of a LoadBalancer bean", e);
    }
  }
}
