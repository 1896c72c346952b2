package io.barrel.p2p.spring;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.ConstructorArgumentValues;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers a bean definition for each interface of each {@link ImportP2pServices} on the importing
 * class: a {@link P2pServiceClientFactoryBean} named {@code <group>#<interface name>}, typed as the
 * interface (so it is injected by type before it exists), qualified with the group name. An
 * interface already registered for a group is not registered twice.
 */
public final class P2pServicesRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware,
    ResourceLoaderAware {

  private Environment environment;
  private ResourceLoader resourceLoader;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resourceLoader = resourceLoader;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    Set<AnnotationAttributes> imports = metadata.getMergedRepeatableAnnotationAttributes(ImportP2pServices.class,
        ImportP2pServices.Container.class, false);
    for (AnnotationAttributes attributes : imports) {
      String group = attributes.getString("group");
      if (group.isBlank()) {
        throw new IllegalArgumentException("@ImportP2pServices on " + metadata.getClassName() + " has an empty"
            + " group; leave group out for the default group, or name one");
      }
      for (Class<?> type : interfaces(metadata.getClassName(), group, attributes)) {
        register(registry, group, type);
      }
    }
  }

  private Set<Class<?>> interfaces(String importer, String group, AnnotationAttributes attributes) {
    Set<Class<?>> out = new LinkedHashSet<>(Arrays.asList(attributes.getClassArray("types")));
    Set<String> packages = new LinkedHashSet<>(Arrays.asList(attributes.getStringArray("basePackages")));
    for (Class<?> anchor : attributes.getClassArray("basePackageClasses")) {
      packages.add(anchor.getPackageName());
    }
    for (String pkg : packages) {
      for (BeanDefinition found : scanner().findCandidateComponents(pkg)) {
        out.add(ClassUtils.resolveClassName(found.getBeanClassName(), resourceLoader.getClassLoader()));
      }
    }
    for (Class<?> type : out) {
      if (!type.isInterface() || type.isAnnotation()) {
        throw new IllegalArgumentException("@ImportP2pServices(group = \"" + group + "\") on " + importer + " names "
            + type.getName() + ", which is not an interface; proxies implement service interfaces");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("@ImportP2pServices(group = \"" + group + "\") on " + importer
          + " declares no interface: list them in types, or give basePackages that hold some");
    }
    return out;
  }

  private static void register(BeanDefinitionRegistry registry, String group, Class<?> type) {
    String name = beanName(group, type);
    if (registry.containsBeanDefinition(name)) {
      return;
    }
    RootBeanDefinition definition = new RootBeanDefinition(P2pServiceClientFactoryBean.class);
    definition.setTargetType(ResolvableType.forClassWithGenerics(P2pServiceClientFactoryBean.class, type));
    ConstructorArgumentValues arguments = definition.getConstructorArgumentValues();
    arguments.addIndexedArgumentValue(0, type);
    arguments.addIndexedArgumentValue(1, group);
    definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, group));
    registry.registerBeanDefinition(name, definition);
  }

  /** The bean name of the proxy of {@code type} in {@code group}. */
  public static String beanName(String group, Class<?> type) {
    return group + "#" + type.getName();
  }

  /**
   * The interfaces declared with {@link ImportP2pServices} in {@code beanFactory}, by group, read
   * from the registered definitions (so it works the same when they were generated ahead of time).
   */
  public static Map<String, Set<Class<?>>> declared(ConfigurableListableBeanFactory beanFactory) {
    Map<String, Set<Class<?>>> groups = new LinkedHashMap<>();
    for (String name : beanFactory.getBeanDefinitionNames()) {
      BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
      if (!(definition instanceof RootBeanDefinition root) || !root.hasBeanClass()
          || root.getBeanClass() != P2pServiceClientFactoryBean.class) {
        continue;
      }
      ConstructorArgumentValues arguments = root.getConstructorArgumentValues();
      Object type = value(arguments, 0);
      Object group = value(arguments, 1);
      if (type instanceof Class<?> serviceInterface && group instanceof String groupName) {
        groups.computeIfAbsent(groupName, g -> new LinkedHashSet<>()).add(serviceInterface);
      }
    }
    return groups;
  }

  private static Object value(ConstructorArgumentValues arguments, int index) {
    ConstructorArgumentValues.ValueHolder holder = arguments.getIndexedArgumentValue(index, null);
    return holder == null ? null : holder.getValue();
  }

  private ClassPathScanningCandidateComponentProvider scanner() {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
      @Override
      protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
        AnnotationMetadata m = definition.getMetadata();
        return m.isInterface() && !m.isAnnotation() && m.isIndependent();
      }
    };
    scanner.addIncludeFilter((reader, factory) -> reader.getClassMetadata().isInterface());
    scanner.setEnvironment(environment);
    scanner.setResourceLoader(resourceLoader);
    return scanner;
  }
}
