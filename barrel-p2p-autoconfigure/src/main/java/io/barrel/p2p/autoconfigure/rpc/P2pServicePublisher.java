package io.barrel.p2p.autoconfigure.rpc;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.autoconfigure.P2pNodeLifecycle;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.rpc.Publication;
import io.barrel.p2p.rpc.RpcMethod;
import io.barrel.p2p.spring.P2pService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Publishes the {@link P2pService} beans: checks them once every singleton exists (so a mistake stops
 * the application before the node starts), publishes them in the phase right after the node's
 * ({@link P2pNodeLifecycle#PHASE} + 1, so the node runs) and unpublishes them before the node stops.
 */
public final class P2pServicePublisher implements SmartLifecycle, SmartInitializingSingleton, BeanFactoryAware {

  private static final Logger log = LoggerFactory.getLogger(P2pServicePublisher.class);

  private final P2pNode node;
  private final Duration unpublishTimeout;
  private ConfigurableListableBeanFactory beanFactory;
  private List<Planned> planned;
  private final List<Publication> publications = new ArrayList<>();
  private volatile boolean running;

  /**
   * @param unpublishTimeout how long stopping waits for the registry to take the removals
   */
  public P2pServicePublisher(P2pNode node, Duration unpublishTimeout) {
    this.node = node;
    this.unpublishTimeout = unpublishTimeout;
  }

  /** One bean published under one interface. */
  record Planned(String bean, String service, Class<?> serviceInterface, Object target, ServiceMetadata metadata) {}

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    if (!(beanFactory instanceof ConfigurableListableBeanFactory listable)) {
      throw new IllegalStateException("@P2pService needs a ConfigurableListableBeanFactory, got " + beanFactory);
    }
    this.beanFactory = listable;
  }

  @Override
  public synchronized void afterSingletonsInstantiated() {
    List<Planned> out = new ArrayList<>();
    Set<String> services = new LinkedHashSet<>();
    for (String name : candidates()) {
      for (Planned p : plan(name)) {
        if (!services.add(p.service())) {
          throw new IllegalStateException("@P2pService bean '" + name + "' would publish service '" + p.service()
              + "', which another @P2pService bean of this application publishes already; a node serves a name once,"
              + " so give one of them another name");
        }
        out.add(p);
      }
    }
    planned = List.copyOf(out);
  }

  /**
   * Beans that may carry the annotation: every singleton made so far whose target class (behind any
   * proxy) or bean method has it, which finds proxied beans whose proxy type hides it; then the
   * beans the factory finds by type, which adds lazy ones not made yet.
   */
  private Set<String> candidates() {
    Set<String> names = new LinkedHashSet<>();
    for (String name : beanFactory.getSingletonNames()) {
      Object bean = beanFactory.getSingleton(name);
      if (bean == null || bean instanceof FactoryBean<?>) {
        continue;
      }
      if (AnnotatedElementUtils.hasAnnotation(AopProxyUtils.ultimateTargetClass(bean), P2pService.class)
          || beanFactory.containsBeanDefinition(name)
          && beanFactory.findAnnotationOnBean(name, P2pService.class, false) != null) {
        names.add(name);
      }
    }
    names.addAll(Arrays.asList(beanFactory.getBeanNamesForAnnotation(P2pService.class)));
    return names;
  }

  private List<Planned> plan(String name) {
    if (beanFactory.containsBeanDefinition(name) && !beanFactory.getMergedBeanDefinition(name).isSingleton()) {
      throw new IllegalStateException("@P2pService bean '" + name + "' has scope '"
          + beanFactory.getMergedBeanDefinition(name).getScope() + "'; a published service is one object that serves"
          + " every caller, so make it a singleton");
    }
    Object bean = beanFactory.getBean(name);
    Class<?> targetClass = ClassUtils.getUserClass(AopProxyUtils.ultimateTargetClass(bean));
    P2pService annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, P2pService.class);
    if (annotation == null) {
      annotation = beanFactory.findAnnotationOnBean(name, P2pService.class);
    }
    if (annotation == null) {
      return List.of();
    }
    List<Class<?>> interfaces = ServiceInterfaces.of(name, targetClass, annotation.interfaces());
    String serviceName = resolve(annotation.name());
    if (!serviceName.isEmpty() && interfaces.size() > 1) {
      throw new IllegalStateException("@P2pService bean '" + name + "' names the service '" + serviceName + "' but is"
          + " published under " + interfaces.size() + " interfaces " + interfaces.stream().map(Class::getName).toList()
          + "; a name fits one interface: set @P2pService(interfaces = ...) to the one to publish under it");
    }
    ServiceMetadata metadata = metadata(name, annotation);
    List<Planned> out = new ArrayList<>();
    for (Class<?> type : interfaces) {
      if (!type.isInstance(bean)) {
        throw new IllegalStateException("@P2pService bean '" + name + "' is a proxy (" + bean.getClass().getName()
            + ") that does not implement " + type.getName() + ", though its class " + targetClass.getName() + " does;"
            + " proxy the class (spring.aop.proxy-target-class=true) or have the proxy implement the interface");
      }
      try {
        RpcMethod.ofInterface(type);
        String service = serviceName.isEmpty() ? type.getName() : serviceName;
        ServiceInstance.checkServiceName(service);
        out.add(new Planned(name, service, type, bean, metadata));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("@P2pService bean '" + name + "' cannot be published as " + type.getName()
            + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private ServiceMetadata metadata(String name, P2pService annotation) {
    try {
      Set<String> tags = new LinkedHashSet<>();
      Arrays.stream(annotation.tags()).map(this::resolve).filter(t -> !t.isEmpty()).forEach(tags::add);
      return ServiceMetadata.EMPTY.withVersion(resolve(annotation.version())).withTags(tags)
          .withWeight(annotation.weight());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("@P2pService bean '" + name + "' has invalid metadata: " + e.getMessage(), e);
    }
  }

  private String resolve(String value) {
    String resolved = beanFactory.resolveEmbeddedValue(value);
    return resolved == null ? "" : resolved.strip();
  }

  /** What will be (or is) published, in order. */
  synchronized List<Planned> planned() {
    return planned == null ? List.of() : planned;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    if (planned == null) {
      afterSingletonsInstantiated(); // made lazily, after the singletons: check now
    }
    try {
      for (Planned p : planned) {
        publications.add(publish(p));
        log.info("{}: published bean '{}' as service {} (version '{}', tags {})", node.name(), p.bean(), p.service(),
            p.metadata().version(), p.metadata().tags());
      }
    } catch (RuntimeException e) {
      unpublishAll();
      throw e;
    }
    running = true;
  }

  @SuppressWarnings("unchecked")
  private <T> Publication publish(Planned p) {
    try {
      return node.publish(p.service(), (Class<T>) p.serviceInterface(), (T) p.target(), p.metadata());
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not publish @P2pService bean '" + p.bean() + "' as service "
          + p.service() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void stop() {
    unpublishAll();
    running = false;
  }

  private void unpublishAll() {
    if (publications.isEmpty()) {
      return;
    }
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    for (Publication p : publications) {
      removals.add(p.unpublish());
    }
    try {
      CompletableFuture.allOf(removals.toArray(new CompletableFuture<?>[0]))
          .get(unpublishTimeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("{}: unpublished {} service(s)", node.name(), publications.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: unpublishing the @P2pService beans did not finish ({}); the node stops anyway", node.name(),
          e.toString());
    }
    publications.clear();
  }

  /** This application's publications while running. */
  public synchronized List<Publication> publications() {
    return List.copyOf(publications);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return P2pNodeLifecycle.PHASE + 1;
  }
}
