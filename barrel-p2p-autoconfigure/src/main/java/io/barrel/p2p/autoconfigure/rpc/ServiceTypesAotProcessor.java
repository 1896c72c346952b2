package io.barrel.p2p.autoconfigure.rpc;

import io.barrel.p2p.spring.P2pService;
import io.barrel.p2p.spring.P2pServicesRegistrar;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * At build time, finds every service interface of the application, those published by
 * {@code @P2pService} beans and those injected through {@code @ImportP2pServices}, and contributes
 * their runtime hints ({@link ServiceTypeHints}). Registered in {@code META-INF/spring/aot.factories}.
 */
public final class ServiceTypesAotProcessor implements BeanFactoryInitializationAotProcessor {

  @Override
  public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
    Set<Class<?>> interfaces = interfaces(beanFactory);
    if (interfaces.isEmpty()) {
      return null;
    }
    return (generationContext, code) -> ServiceTypeHints.register(generationContext.getRuntimeHints(), interfaces);
  }

  /** The interfaces the application serves or calls, in bean definition order. */
  static Set<Class<?>> interfaces(ConfigurableListableBeanFactory beanFactory) {
    Set<Class<?>> out = new LinkedHashSet<>();
    P2pServicesRegistrar.declared(beanFactory).values().forEach(out::addAll);
    for (String name : beanFactory.getBeanDefinitionNames()) {
      Class<?> type = beanFactory.getType(name, false);
      if (type == null || Proxy.isProxyClass(type)) {
        continue;
      }
      Class<?> userClass = ClassUtils.getUserClass(type);
      P2pService annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, P2pService.class);
      if (annotation == null) {
        annotation = beanFactory.findAnnotationOnBean(name, P2pService.class, false);
      }
      if (annotation != null) {
        out.addAll(ServiceInterfaces.of(name, userClass, annotation.interfaces()));
      }
    }
    return out;
  }
}
