package io.barrel.p2p.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeConfig;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

class P2pRuntimeHintsTest {

  @Test
  void everyConfigRecordReachableFromNodeConfigHasReflectionHintsForItsComponentsAndConstructor() {
    RuntimeHints hints = new RuntimeHints();
    new P2pRuntimeHints().registerHints(hints, getClass().getClassLoader());
    Set<Class<?>> reachable = new LinkedHashSet<>();
    collect(NodeConfig.class, reachable);
    assertThat(reachable).hasSizeGreaterThanOrEqualTo(9);
    for (Class<?> type : reachable) {
      assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(hints);
      for (RecordComponent c : type.getRecordComponents()) {
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(c.getAccessor()))
            .as(type.getSimpleName() + "." + c.getName()).accepts(hints);
      }
      Class<?>[] canonical = java.util.Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
          .toArray(Class<?>[]::new);
      assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(constructor(type, canonical)))
          .as(type.getSimpleName() + " constructor").accepts(hints);
    }
  }

  private static java.lang.reflect.Constructor<?> constructor(Class<?> type, Class<?>[] parameters) {
    try {
      return type.getDeclaredConstructor(parameters);
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }

  /** Records of this project reachable through record components, list elements included. */
  private static void collect(Class<?> type, Set<Class<?>> out) {
    if (!type.isRecord() || !type.getPackageName().startsWith("io.barrel.p2p") || !out.add(type)) {
      return;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      collect(c.getType(), out);
      Type generic = c.getGenericType();
      if (generic instanceof ParameterizedType p) {
        for (Type argument : p.getActualTypeArguments()) {
          if (argument instanceof Class<?> k) {
            collect(k, out);
          }
        }
      }
    }
  }
}
