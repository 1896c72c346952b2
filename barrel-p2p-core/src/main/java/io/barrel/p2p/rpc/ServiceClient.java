package io.barrel.p2p.rpc;

import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.registry.ServiceInstance;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Calls one service with one set of {@link CallOptions}: for each call it looks up the live
 * instances, lets the {@link InstanceSelector} pick one (filter, ejected outliers, concurrency cap,
 * load balancer), calls it — in-process when the instance is this node's — and retries on another
 * instance when the policy allows. One per proxy; the outstanding counts and ejections behind its
 * selector are shared with the other proxies of the service.
 *
 * <p>What is retried: a failure that proves the method did not run (the node could not be reached,
 * it no longer serves the service, it was overloaded) for every method; a failure that leaves it
 * open (the connection dropped mid-call) only for {@link Idempotent} methods. A missed deadline is
 * never retried: the deadline covers the whole call, retries included. Each retry goes to an
 * instance this call has not tried yet, after the policy's backoff.
 */
final class ServiceClient {

  static final Comparator<ServiceInstance> STABLE_ORDER = Comparator
      .comparing((ServiceInstance i) -> i.node().toString())
      .thenComparing(ServiceInstance::instanceId);

  private final RpcEndpoint endpoint;
  private final String service;
  private final Class<?> serviceInterface;
  private final CallOptions options;
  private final InstanceSelector selector;
  private final Map<Method, MethodPlan> plans;
  private final java.util.concurrent.atomic.AtomicLong selections = new java.util.concurrent.atomic.AtomicLong();

  /** What a proxy needs to know about one method. */
  record MethodPlan(RpcMethod rpc, CallPolicy policy, long deadlineMillis, String name) {}

  ServiceClient(RpcEndpoint endpoint, String service, Class<?> serviceInterface, CallOptions options,
      RpcEndpoint.InstanceHealth health) {
    this.endpoint = endpoint;
    this.service = service;
    this.serviceInterface = serviceInterface;
    this.options = options;
    endpoint.limits().checkHeaders(options.headers()); // headers no request could carry fail here, once
    this.selector = new InstanceSelector(options.balancer(), options.filter(), health.ejection(), health.load());
    this.plans = plans(serviceInterface, options);
  }

  private static Map<Method, MethodPlan> plans(Class<?> serviceInterface, CallOptions options) {
    Map<String, RpcMethod> bySignature = new HashMap<>();
    for (RpcMethod m : ServiceExport.table(serviceInterface).values()) {
      bySignature.put(m.signature(), m);
    }
    Map<Method, MethodPlan> plans = new HashMap<>();
    for (Method m : serviceInterface.getMethods()) {
      RpcMethod rpc = bySignature.get(MethodId.signature(m));
      if (rpc == null) {
        continue; // static, synthetic or an Object method
      }
      CallPolicy policy = options.methodPolicies().getOrDefault(m.getName(), options.policy());
      long deadline = policy.deadline().toMillis();
      if (!options.methodPolicies().containsKey(m.getName())) {
        Deadline onMethod = m.getAnnotation(Deadline.class);
        Deadline onType = m.getDeclaringClass().getAnnotation(Deadline.class);
        if (onMethod != null) {
          deadline = onMethod.millis();
        } else if (onType != null) {
          deadline = onType.millis();
        }
      }
      if (deadline < 0 || deadline > RpcFrame.MAX_TIMEOUT_MILLIS) {
        throw new IllegalArgumentException("deadline of " + rpc.describe() + " must be 0.."
            + RpcFrame.MAX_TIMEOUT_MILLIS + " ms, got " + deadline);
      }
      plans.put(m, new MethodPlan(rpc, policy, deadline, m.getName()));
    }
    return Map.copyOf(plans);
  }

  String service() {
    return service;
  }

  Class<?> serviceInterface() {
    return serviceInterface;
  }

  InstanceSelector selector() {
    return selector;
  }

  /** The plan of a remote method, or null for any other method (Object's, static, synthetic). */
  MethodPlan planOrNull(Method method) {
    return plans.get(method);
  }

  MethodPlan plan(Method method) {
    MethodPlan plan = plans.get(method);
    if (plan == null) {
      throw new IllegalStateException(method + " is not a remote method of " + serviceInterface.getName());
    }
    return plan;
  }

  /** A unary or one-way call with retries; cancelling the future cancels the call. */
  CompletableFuture<Object> call(MethodPlan plan, Object[] args) {
    return call(plan, args, null);
  }

  /**
   * A unary call whose answers are delivered through {@code caller} (the thread that blocks for
   * it), or through the application executor when null.
   */
  CompletableFuture<Object> call(MethodPlan plan, Object[] args, WaitingCaller caller) {
    RoutedCall call = new RoutedCall(plan, args == null ? new Object[0] : args, caller);
    call.attempt();
    return call.result;
  }

  /** An executor for the current thread's blocking call. */
  WaitingCaller waitingCaller() {
    return new WaitingCaller(endpoint.applicationExecutor());
  }

  /** A server stream: each subscription is one call on one chosen instance. */
  Flow.Publisher<Object> stream(MethodPlan plan, Object[] args) {
    Object[] arguments = args == null ? new Object[0] : args;
    return subscriber -> {
      long deadlineNanos = plan.deadlineMillis() == 0 ? 0 : System.nanoTime()
          + TimeUnit.MILLISECONDS.toNanos(plan.deadlineMillis());
      Selection selection = select(plan, arguments, Set.of());
      if (!(selection instanceof Selection.Chosen chosen)) {
        failAtOnce(subscriber, unavailable(selection, null));
        return;
      }
      ServiceInstance instance = chosen.instance();
      Flow.Subscriber<Object> releasing = new ReleasingSubscriber<>(subscriber, error -> {
        selector.load().release(instance);
        judge(instance, error);
      });
      if (isLocal(instance)) {
        Flow.Publisher<Object> local;
        try {
          local = endpoint.localStream(service, plan.rpc(), arguments);
        } catch (Throwable e) {
          failAtOnce(releasing, RpcEndpoint.unwrapLocal(e));
          return;
        }
        local.subscribe(releasing);
        return;
      }
      byte[] encoded;
      try {
        encoded = endpoint.codec().encodeArguments(plan.rpc().method(), arguments);
      } catch (RuntimeException e) {
        failAtOnce(releasing, e);
        return;
      }
      long timeout = deadlineNanos == 0 ? RpcFrame.NO_TIMEOUT
          : Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
      endpoint.client().stream(instance.node(), service, plan.rpc(), encoded, timeout, options.headers())
          .subscribe(releasing);
    };
  }

  private Selection select(MethodPlan plan, Object[] args, Set<ServiceInstance> tried) {
    List<ServiceInstance> live = new ArrayList<>(endpoint.liveInstances(service));
    live.sort(STABLE_ORDER);
    if ((selections.incrementAndGet() & 1023) == 0) {
      selector.ejection().retain(live); // forget instances that are gone, now and then
    }
    CallContext context = new CallContext(service, plan.rpc().method(), args, endpoint.localNode(),
        selector.load()::outstanding);
    return selector.select(live, tried, context);
  }

  private RuntimeException unavailable(Selection selection, Throwable last) {
    if (selection instanceof Selection.AllSaturated s) {
      return new RemoteOverloadedException(null, service, "all " + s.instances() + " instances are at the cap of "
          + options.maxConcurrentPerInstance() + " concurrent calls from this node");
    }
    String reason = selection instanceof Selection.NoneAvailable n ? n.reason() : String.valueOf(selection);
    return last == null ? new NoInstanceAvailableException(service, null, reason)
        : new NoInstanceAvailableException(service, null, reason + "; last attempt failed: "
            + RpcClient.rootMessage(last), last);
  }

  private boolean isLocal(ServiceInstance instance) {
    return instance.node().equals(endpoint.localNode());
  }

  /** Tells outlier ejection how an attempt on {@code instance} went. */
  private void judge(ServiceInstance instance, Throwable error) {
    if (error != null && countsAgainstInstance(error)) {
      if (selector.ejection().onFailure(instance)) {
        endpoint.metrics().increment(MeterName.RPC_EJECTIONS, service);
      }
    } else {
      selector.ejection().onSuccess(instance); // an application exception is a healthy instance answering
    }
  }

  /** Failures that say something about the instance, not about the request. */
  static boolean countsAgainstInstance(Throwable e) {
    return e instanceof ConnectionLostMidCallException || e instanceof RemoteOverloadedException
        || e instanceof DeadlineExceededException || e instanceof NoInstanceAvailableException;
  }

  /** True when the failure proves the method did not run, so any method may be retried. */
  static boolean neverRan(Throwable e) {
    return e instanceof NoInstanceAvailableException || e instanceof RemoteOverloadedException;
  }

  private static void failAtOnce(Flow.Subscriber<? super Object> subscriber, Throwable error) {
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    subscriber.onError(error);
  }

  /** One logical call: attempts on instances until one answers, the policy says stop, or time is up. */
  private final class RoutedCall {

    final CompletableFuture<Object> result = new CompletableFuture<>();
    private final MethodPlan plan;
    private final Object[] args;
    private final long deadlineNanos;
    private final WaitingCaller caller;
    private final Set<ServiceInstance> tried = new HashSet<>();
    private byte[] encoded;
    private int attempts;
    private Throwable lastError;
    private volatile CompletableFuture<Object> current;

    RoutedCall(MethodPlan plan, Object[] args, WaitingCaller caller) {
      this.plan = plan;
      this.args = args;
      this.caller = caller;
      this.deadlineNanos = plan.deadlineMillis() == 0 ? 0
          : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.deadlineMillis());
      result.whenComplete((v, e) -> {
        CompletableFuture<Object> c = current;
        if (e instanceof CancellationException && c != null) {
          c.cancel(true); // the caller gave up: the attempt in flight is cancelled on the server too
        }
      });
    }

    /**
     * Runs one attempt; called on the caller's thread first, for a retry on the waiting caller's
     * thread or the application executor. Whatever throws on the way (a custom balancer, the codec,
     * the transport) ends the call with that error: a retry runs where an exception would vanish and
     * leave the call hanging.
     */
    synchronized void attempt() {
      try {
        attemptOnce();
      } catch (RuntimeException | Error e) {
        fail(e);
      }
    }

    private void attemptOnce() {
      if (result.isDone()) {
        return;
      }
      long timeout = RpcFrame.NO_TIMEOUT;
      if (deadlineNanos != 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          fail(lastError != null ? lastError : new DeadlineExceededException(null, service + "." + plan.name(),
              plan.deadlineMillis(), "no attempt could be made in time"));
          return;
        }
        timeout = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
      }
      attempts++;
      Selection selection = select(plan, args, tried);
      if (!(selection instanceof Selection.Chosen chosen)) {
        // Nothing left to try: the last attempt's own failure says more than "no instance".
        fail(lastError != null ? lastError : unavailable(selection, null));
        return;
      }
      ServiceInstance instance = chosen.instance();
      tried.add(instance);
      CompletableFuture<Object> attempt;
      try {
        if (isLocal(instance)) {
          attempt = endpoint.callLocal(service, plan.rpc(), args, timeout);
        } else {
          if (encoded == null) {
            encoded = endpoint.codec().encodeArguments(plan.rpc().method(), args);
          }
          attempt = endpoint.client().call(instance.node(), service, plan.rpc(), encoded, timeout,
              options.headers(), caller);
        }
      } catch (RuntimeException | Error e) {
        selector.load().release(instance); // the slot was taken by the selection; no attempt will give it back
        throw e;
      }
      current = attempt;
      if (result.isCancelled()) {
        // Cancelled while this attempt was being made: the cancellation read the previous attempt.
        attempt.cancel(true);
      }
      attempt.whenComplete((value, error) -> ended(instance, value, error));
    }

    private void ended(ServiceInstance instance, Object value, Throwable error) {
      selector.load().release(instance);
      Throwable e = RpcClient.unwrap(error);
      if (e instanceof RpcEndpoint.LocalFailure local) {
        selector.ejection().onSuccess(instance);
        fail(local.getCause()); // the service itself threw, in-process: exactly what a local call would throw
        return;
      }
      judge(instance, e);
      if (e == null) {
        result.complete(value);
        return;
      }
      boolean retryable = neverRan(e) || (plan.rpc().idempotent() && e instanceof ConnectionLostMidCallException);
      if (!retryable || attempts >= plan.policy().maxAttempts() || result.isDone()) {
        fail(e);
        return;
      }
      Duration pause = plan.policy().backoff(attempts, ThreadLocalRandom.current());
      if (deadlineNanos != 0 && System.nanoTime() + pause.toNanos() >= deadlineNanos) {
        fail(e);
        return;
      }
      synchronized (this) {
        lastError = e;
      }
      endpoint.metrics().increment(MeterName.RPC_RETRIES, service, RpcClient.outcome(e));
      // If the node stops before the pause is over, the retry never runs: the call ends with the
      // failure that asked for it rather than waiting for ever.
      // The pause ends on the RPC timer, which must not run balancers, selectors and codecs.
      Executor retryOn = caller != null ? caller : endpoint.applicationExecutor();
      endpoint.schedule(() -> RpcClient.runOffLoop(retryOn, this::attempt), () -> fail(e), pause);
    }

    private void fail(Throwable e) {
      result.completeExceptionally(e);
    }
  }
}
