package io.barrel.p2p.rpc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The invocation handler behind a service proxy (a JDK dynamic proxy over the service interface).
 * {@code equals}, {@code hashCode} and {@code toString} are answered locally; every other method is
 * a call through the {@link ServiceClient}, shaped by its return type: a plain value or
 * {@code void} blocks the caller until the answer (or the deadline), a future returns at once, a
 * {@link OneWay} method returns once the request is on its way, and a publisher starts a call for
 * each subscriber. Reactor's {@code Mono} and {@code Flux} are lazy: the call starts when they are
 * subscribed, as Reactor users expect.
 */
final class ServiceProxy implements InvocationHandler {

  private final ServiceClient client;

  ServiceProxy(ServiceClient client) {
    this.client = client;
  }

  /** A proxy implementing {@code serviceInterface} through {@code client}. */
  static <T> T create(Class<T> serviceInterface, ServiceClient client) {
    Object proxy = Proxy.newProxyInstance(proxyLoader(serviceInterface), new Class<?>[] {serviceInterface},
        new ServiceProxy(client));
    return serviceInterface.cast(proxy);
  }

  private static ClassLoader proxyLoader(Class<?> serviceInterface) {
    ClassLoader loader = serviceInterface.getClassLoader();
    return loader != null ? loader : ServiceProxy.class.getClassLoader();
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class || RpcMethod.isObjectMethod(method)) {
      return objectMethod(proxy, method, args);
    }
    ServiceClient.MethodPlan plan = client.plan(method);
    switch (plan.rpc().shape()) {
      case FUTURE:
        return client.call(plan, args);
      case PUBLISHER:
        return client.stream(plan, args);
      case MONO:
        return ReactorBridge.mono(() -> client.call(plan, args));
      case FLUX:
        return ReactorBridge.flux(client.stream(plan, args));
      case ONE_WAY:
        await(client.call(plan, args), null, method);
        return null;
      default:
        // The answer is read and decoded on this thread, which waits for it anyway.
        WaitingCaller caller = client.waitingCaller();
        return await(client.call(plan, args, caller), caller, method);
    }
  }

  /** Waits for a blocking call's answer and throws what a local call would have thrown. */
  private static Object await(CompletableFuture<Object> result, WaitingCaller caller, Method method)
      throws Throwable {
    try {
      if (caller != null) {
        caller.await(result);
      }
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException cancelled = new CancellationException("interrupted while waiting for "
          + method.getDeclaringClass().getSimpleName() + "." + method.getName() + "; the call was cancelled");
      cancelled.initCause(e);
      throw cancelled;
    } catch (ExecutionException e) {
      Throwable cause = RpcClient.unwrap(e.getCause());
      if (cause instanceof RpcException rpc) {
        // Add the caller's own stack: the exception was made on an I/O thread.
        rpc.addSuppressed(new CallSite(method));
      }
      throw cause;
    }
  }

  private Object objectMethod(Object proxy, Method method, Object[] args) {
    switch (method.getName()) {
      case "equals":
        return args != null && args.length == 1 && proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "P2pServiceProxy[" + client.service() + " as " + client.serviceInterface().getName() + "]";
      default:
        throw new UnsupportedOperationException(method + " is not supported on a service proxy");
    }
  }

  /** Marks where a failed blocking call was made. */
  private static final class CallSite extends Exception {
    CallSite(Method method) {
      super("called from here: " + method.getDeclaringClass().getName() + "." + method.getName());
    }
  }
}
