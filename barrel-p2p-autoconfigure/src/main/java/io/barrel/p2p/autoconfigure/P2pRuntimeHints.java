package io.barrel.p2p.autoconfigure;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Reflection a native image needs for the starter: the core's configuration records, whose
 * components {@link CoreDefaultProperties} reads and whose constructors the binder calls.
 */
public final class P2pRuntimeHints implements RuntimeHintsRegistrar {

  @Override
  public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
    BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
    binding.registerReflectionHints(hints.reflection(), CoreDefaultProperties.recordTypes().toArray(Class<?>[]::new));
  }
}
