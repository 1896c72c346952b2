package io.barrel.p2p.autoconfigure.rpc;

import io.barrel.p2p.rpc.RpcMethod;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;

/**
 * What a native image needs to call and serve a service interface: a JDK proxy of it (callers'
 * proxies are JDK proxies of exactly that interface), its public methods for invocation and
 * annotation lookup (servers call them by reflection, {@code @Deadline}/{@code @OneWay}/{@code @Idempotent}
 * are read from them), the codec's reflection on every parameter and result type (records, beans,
 * generic arguments, nested types), and the public constructors of the exceptions the methods
 * declare, which callers rebuild.
 */
final class ServiceTypeHints {

  private ServiceTypeHints() {}

  /**
   * @throws IllegalStateException when an interface cannot be called remotely, naming the method
   */
  static void register(RuntimeHints hints, Collection<Class<?>> interfaces) {
    BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
    for (Class<?> type : interfaces) {
      hints.proxies().registerJdkProxy(type);
      hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
      List<RpcMethod> methods;
      try {
        methods = RpcMethod.ofInterface(type);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("barrel-p2p cannot prepare " + type.getName() + " for a native image: "
            + e.getMessage(), e);
      }
      List<Type> values = new ArrayList<>();
      for (RpcMethod rpc : methods) {
        Method method = rpc.method();
        values.addAll(List.of(method.getGenericParameterTypes()));
        if (rpc.valueType() != void.class) {
          values.add(rpc.valueType());
        }
        for (Class<?> exception : method.getExceptionTypes()) {
          hints.reflection().registerType(exception, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
        }
      }
      binding.registerReflectionHints(hints.reflection(), values.toArray(Type[]::new));
    }
  }
}
