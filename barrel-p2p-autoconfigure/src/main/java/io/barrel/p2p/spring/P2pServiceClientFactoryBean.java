package io.barrel.p2p.spring;

import java.util.Objects;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartFactoryBean;

/**
 * Makes the proxy bean of one interface of one {@link ImportP2pServices} group, from the
 * application's {@link P2pServiceClients}. {@link P2pServicesRegistrar} registers one per interface
 * and group, with the interface and the group as constructor arguments, which ahead-of-time
 * processing carries over as they are.
 *
 * <p>Made eagerly when the starter's clients are there, so an interface the RPC layer cannot carry
 * fails the application at startup even if nothing injects it yet (it may be reached later through
 * an {@code ObjectProvider}, {@code @Lazy} or a scanned package).
 *
 * @param <T> the service interface
 */
public final class P2pServiceClientFactoryBean<T> implements SmartFactoryBean<T>, BeanFactoryAware {

  private final Class<T> serviceInterface;
  private final String group;
  private BeanFactory beanFactory;

  /** The proxy for {@code serviceInterface} in {@code group}. */
  public P2pServiceClientFactoryBean(Class<T> serviceInterface, String group) {
    this.serviceInterface = Objects.requireNonNull(serviceInterface, "serviceInterface");
    this.group = Objects.requireNonNull(group, "group");
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public T getObject() {
    P2pServiceClients clients = beanFactory.getBeanProvider(P2pServiceClients.class).getIfAvailable();
    if (clients == null) {
      throw new IllegalStateException("cannot make the " + serviceInterface.getName() + " proxy of @ImportP2pServices"
          + " group '" + group + "': there is no P2pServiceClients bean, which the barrel-p2p starter provides"
          + " along with the node; is barrel.p2p.enabled=false, or its auto-configuration excluded?");
    }
    return clients.client(group, serviceInterface);
  }

  /**
   * Eager when there is a {@link P2pServiceClients} bean to check the interface with; without one
   * (the starter turned off), only an injection point fails, saying why.
   */
  @Override
  public boolean isEagerInit() {
    // Asks without creating anything: the clients (and the node behind them) are made when the
    // proxy is, not by this question.
    return beanFactory instanceof ListableBeanFactory listable
        && listable.getBeanNamesForType(P2pServiceClients.class, true, false).length > 0;
  }

  @Override
  public Class<T> getObjectType() {
    return serviceInterface;
  }

  /** The interface this factory makes a proxy for. */
  public Class<T> serviceInterface() {
    return serviceInterface;
  }

  /** The group whose settings the proxy calls with. */
  public String group() {
    return group;
  }
}
