package io.barrel.p2p.autoconfigure;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Adds {@link CoreDefaultProperties} to the environment before any bean is created, so
 * {@link P2pProperties} binds with the core's defaults behind whatever the application sets. Part of
 * the auto-configuration (not an environment post-processor) so that it is active exactly when the
 * starter is, in any kind of application context.
 */
public final class CoreDefaultsInstaller implements BeanFactoryPostProcessor, EnvironmentAware, PriorityOrdered {

  private ConfigurableEnvironment environment;

  @Override
  public void setEnvironment(Environment environment) {
    if (environment instanceof ConfigurableEnvironment configurable) {
      this.environment = configurable;
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    if (environment == null) {
      throw new IllegalStateException("barrel-p2p needs a ConfigurableEnvironment to bind barrel.p2p.* onto the"
          + " core's defaults");
    }
    CoreDefaultProperties.install(environment);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
