package io.barrel.p2p.autoconfigure.rpc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

/**
 * A service proxy that can be injected before the node runs: the node's own proxy (which needs a
 * started node) is made at the first remote call and every call after goes straight to its handler,
 * with the same {@link Method}. {@code equals}, {@code hashCode} and {@code toString} are answered
 * here, so logging or comparing the bean never needs the node.
 */
final class DeferredServiceProxy implements InvocationHandler {

  private final Supplier<Object> target;
  private final String description;
  private volatile Object delegate;
  private volatile InvocationHandler handler;

  private DeferredServiceProxy(Supplier<Object> target, String description) {
    this.target = target;
    this.description = description;
  }

  /**
   * A proxy of {@code serviceInterface} that makes its target with {@code target} when first called.
   *
   * @param description what {@code toString} answers
   */
  static <T> T create(Class<T> serviceInterface, Supplier<? extends T> target, String description) {
    ClassLoader loader = serviceInterface.getClassLoader() != null ? serviceInterface.getClassLoader()
        : DeferredServiceProxy.class.getClassLoader();
    return serviceInterface.cast(Proxy.newProxyInstance(loader, new Class<?>[] {serviceInterface},
        new DeferredServiceProxy(target::get, description)));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (isObjectMethod(method)) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        default:
          return description;
      }
    }
    InvocationHandler h = handler;
    if (h == null) {
      h = resolve();
    }
    if (h != null) {
      return h.invoke(delegate, method, args);
    }
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The target's handler when it is a JDK proxy (the node's always is), else null for reflection. */
  private synchronized InvocationHandler resolve() {
    if (delegate == null) {
      Object made = target.get();
      if (made == null) {
        throw new IllegalStateException("no target for " + description);
      }
      delegate = made;
      handler = Proxy.isProxyClass(made.getClass()) ? Proxy.getInvocationHandler(made) : null;
    }
    return handler;
  }

  private static boolean isObjectMethod(Method method) {
    switch (method.getName()) {
      case "equals":
        return method.getParameterCount() == 1 && method.getParameterTypes()[0] == Object.class;
      case "hashCode":
      case "toString":
        return method.getParameterCount() == 0;
      default:
        return false;
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
