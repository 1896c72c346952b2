package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.registry.Registration;
import io.barrel.p2p.registry.Registry;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceFilter;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.transport.Transport;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A node's RPC layer: publishes objects as services (exported here, registered cluster-wide),
 * serves the calls that arrive on data streams, and makes proxies that call services wherever
 * they run — in-process, without the network, when the chosen instance is this node's.
 */
public final class RpcEndpoint implements ServiceLocator, AutoCloseable {

  /** How long publishing waits for the registry to take a registration. */
  private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(10);

  private final NodeName localNode;
  private final Registry registry;
  private final RpcConfig config;
  private final Metrics metrics;
  private final ExportedServices exports;
  private final ServiceCallExecutor executor;
  private final ScheduledThreadPoolExecutor timers;
  /** Tasks given to {@link #schedule} that have neither run nor been abandoned. */
  private final Set<DelayedTask> delayedTasks = ConcurrentHashMap.newKeySet();
  private final RpcServer server;
  private final RpcClient client;
  private final Transport transport;
  private final List<Publication> publications = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<HealthKey, InstanceHealth> health = new ConcurrentHashMap<>();

  /**
   * @param localNode this node
   * @param transport carries the calls
   * @param registry where services are registered and looked up
   * @param config limits, codec and capacities
   * @param metrics where call meters go
   */
  public RpcEndpoint(NodeName localNode, Transport transport, Registry registry, RpcConfig config, Metrics metrics) {
    this.localNode = Objects.requireNonNull(localNode, "localNode");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.exports = new ExportedServices(config.limits());
    this.executor = ServiceCallExecutor.create(config.maxConcurrentCalls(), config.maxQueuedCalls());
    this.timers = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "barrel-p2p-rpc-timer-" + localNode);
      t.setDaemon(true);
      return t;
    });
    timers.setRemoveOnCancelPolicy(true); // deadlines are mostly cancelled; do not keep them queued
    this.server = new RpcServer(exports, executor, new RpcFrameCodec(config.limits()), timers,
        transport.applicationExecutor(), metrics);
    this.client = new RpcClient(transport::openDataStream, config, timers, transport.applicationExecutor(), metrics);
  }

  /** Starts serving inbound calls. */
  public void start() {
    transport.onDataStream(server);
  }

  // ---------------------------------------------------------------- publishing

  /** Publishes {@code implementation} under its interface's fully qualified name. */
  public <T> Publication publish(Class<T> serviceInterface, T implementation) {
    return publish(serviceInterface.getName(), serviceInterface, implementation, ServiceMetadata.EMPTY);
  }

  /** Publishes {@code implementation} under its interface's name with version, tags, weight and attributes. */
  public <T> Publication publish(Class<T> serviceInterface, T implementation, ServiceMetadata metadata) {
    return publish(serviceInterface.getName(), serviceInterface, implementation, metadata);
  }

  /**
   * Exports {@code implementation} as {@code service} and registers it cluster-wide; returns once
   * the registry has the registration (other nodes see it as the broadcast reaches them).
   *
   * @throws IllegalArgumentException when the interface has a method that cannot be called remotely
   * @throws IllegalStateException when this node already publishes a service of that name
   */
  public <T> Publication publish(String service, Class<T> serviceInterface, T implementation,
      ServiceMetadata metadata) {
    ServiceInstance.checkServiceName(service);
    ServiceExport export = ServiceExport.of(service, serviceInterface, implementation, config.codec(), config.limits());
    exports.add(export);
    Registration registration;
    try {
      registration = registry.register(service, metadata).get(REGISTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      exports.remove(service);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering " + service, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      exports.remove(service);
      throw new IllegalStateException("could not register service '" + service + "': " + RpcClient.rootMessage(e), e);
    }
    Publication publication = new Publication(this, export, registration);
    publications.add(publication);
    return publication;
  }

  void unexport(Publication publication) {
    publications.remove(publication);
    exports.find(publication.service()).filter(e -> e == publication.export())
        .ifPresent(e -> exports.remove(publication.service()));
  }

  /** What this node publishes now. */
  public List<Publication> publications() {
    return List.copyOf(publications);
  }

  /** Unpublishes everything (registrations first); completes when the registry has taken every removal. */
  public CompletableFuture<Void> unpublishAll() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Publication p : publications) {
      all.add(p.unpublish());
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Stops taking calls (new ones are answered "overloaded", so callers go elsewhere) and waits up to
   * {@code timeout} for those being served. Returns true when all of them ended.
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    return server.drain(timeout);
  }

  // ---------------------------------------------------------------- calling

  @Override
  public <T> T proxy(Class<T> serviceInterface) {
    return proxy(serviceInterface, config.callDefaults());
  }

  @Override
  public <T> T proxy(Class<T> serviceInterface, CallOptions options) {
    Objects.requireNonNull(serviceInterface, "serviceInterface");
    Objects.requireNonNull(options, "options");
    if (!serviceInterface.isInterface() || serviceInterface.isAnnotation()) {
      throw new IllegalArgumentException(serviceInterface.getName() + " is not an interface; proxies implement"
          + " service interfaces");
    }
    String service = options.service() != null ? options.service() : serviceInterface.getName();
    ServiceInstance.checkServiceName(service);
    // Outstanding counts and ejections are per instance, whichever proxy calls it, so proxies of one
    // service with the same outlier policy and cap share them; the map is bounded by those values.
    InstanceHealth shared = health.computeIfAbsent(new HealthKey(service, options.outliers(),
        options.maxConcurrentPerInstance()), k -> new InstanceHealth(
            new OutlierEjection(k.outliers(), System::nanoTime), new InstanceLoad(k.maxConcurrentPerInstance())));
    return ServiceProxy.create(serviceInterface, new ServiceClient(this, service, serviceInterface, options,
        shared));
  }

  @Override
  public CompletableFuture<Optional<ServiceInstance>> whereis(String service) {
    return registry.whereis(service);
  }

  @Override
  public List<ServiceInstance> instances(String service) {
    return registry.lookup(service);
  }

  @Override
  public AutoCloseable subscribe(ServiceFilter filter, Consumer<ServiceEvent> listener) {
    return registry.subscribe(filter, listener);
  }

  /** Calls from this node waiting for a remote answer. */
  public int callsInFlight() {
    return client.inFlight();
  }

  /** Calls being served on this node. */
  public int callsBeingServed() {
    return server.inFlight();
  }

  // ---------------------------------------------------------------- for ServiceClient

  NodeName localNode() {
    return localNode;
  }

  RpcCodec codec() {
    return config.codec();
  }

  RpcClient client() {
    return client;
  }

  Executor applicationExecutor() {
    return transport.applicationExecutor();
  }

  RpcLimits limits() {
    return config.limits();
  }

  Metrics metrics() {
    return metrics;
  }

  List<ServiceInstance> liveInstances(String service) {
    return registry.lookup(service);
  }

  /**
   * Runs {@code task} after {@code delay} on the timer thread, or {@code abandoned} instead if the
   * endpoint is closed before then (or already is): a closing endpoint drops its timer queue, and
   * whoever waits on the task must hear that it will not run.
   */
  void schedule(Runnable task, Runnable abandoned, Duration delay) {
    DelayedTask delayed = new DelayedTask(task, abandoned);
    delayedTasks.add(delayed);
    try {
      timers.schedule(delayed, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      delayed.abandon();
    }
  }

  /** A scheduled task that runs or is abandoned, exactly once: whichever claims it first from the set. */
  private final class DelayedTask implements Runnable {
    private final Runnable task;
    private final Runnable abandoned;

    DelayedTask(Runnable task, Runnable abandoned) {
      this.task = task;
      this.abandoned = abandoned;
    }

    @Override
    public void run() {
      if (delayedTasks.remove(this)) {
        task.run();
      }
    }

    void abandon() {
      if (delayedTasks.remove(this)) {
        abandoned.run();
      }
    }
  }

  /**
   * Calls this node's own instance of {@code service} in-process: no encoding, no network, the
   * arguments passed as they are. A plain method runs on the caller's thread, a one-way method on
   * the service executor. The service's own exceptions come back wrapped in {@link LocalFailure},
   * so they are never mistaken for (and retried as) RPC failures.
   *
   * <p>An asynchronous answer ({@code CompletionStage}, {@code Mono}) is held to {@code timeoutMillis}
   * as a remote one is: past it the call fails with {@link DeadlineExceededException}, and the
   * service's own future is cancelled, as a remote server is told to stop; so is it when the caller
   * cancels. A plain method runs to its end on the caller's thread, like any method call.
   *
   * @param timeoutMillis what is left of the call's deadline, or {@link RpcFrame#NO_TIMEOUT}
   */
  CompletableFuture<Object> callLocal(String service, RpcMethod rpc, Object[] args, long timeoutMillis) {
    Optional<ServiceExport> export = exports.find(service);
    if (export.isEmpty()) {
      return CompletableFuture.failedFuture(new NoInstanceAvailableException(service, localNode,
          "this node no longer serves it"));
    }
    Object target = export.get().implementation();
    if (rpc.shape() == MethodShape.ONE_WAY) {
      if (!executor.tryExecute(() -> invokeQuietly(rpc, target, args))) {
        return CompletableFuture.failedFuture(new RemoteOverloadedException(localNode, service + "."
            + rpc.method().getName(), "this node's service executor is full"));
      }
      return CompletableFuture.completedFuture(null);
    }
    Object value;
    try {
      value = rpc.method().invoke(target, args);
    } catch (InvocationTargetException e) {
      return CompletableFuture.failedFuture(new LocalFailure(e.getCause() == null ? e : e.getCause()));
    } catch (IllegalAccessException e) {
      return CompletableFuture.failedFuture(new LocalFailure(e));
    }
    if (rpc.shape() != MethodShape.FUTURE && rpc.shape() != MethodShape.MONO) {
      return CompletableFuture.completedFuture(value);
    }
    if (value == null) {
      return CompletableFuture.failedFuture(new LocalFailure(new NullPointerException(rpc.describe()
          + " returned null instead of a " + (rpc.shape() == MethodShape.MONO ? "Mono" : "CompletionStage"))));
    }
    CompletionStage<?> stage = rpc.shape() == MethodShape.MONO ? ReactorBridge.toFuture(value)
        : (CompletionStage<?>) value;
    CompletableFuture<Object> result = new CompletableFuture<>();
    if (timeoutMillis != RpcFrame.NO_TIMEOUT) {
      String name = service + "." + rpc.method().getName();
      try {
        ScheduledFuture<?> deadline = timers.schedule(() -> client.runOffLoop(() -> result.completeExceptionally(
            new DeadlineExceededException(localNode, name, timeoutMillis, "this node's own instance did not answer"
                + " within the deadline"))), timeoutMillis, TimeUnit.MILLISECONDS);
        result.whenComplete((v, e) -> deadline.cancel(false));
      } catch (RejectedExecutionException closed) {
        // the endpoint is closing; the service's answer still ends the call
      }
    }
    result.whenComplete((v, e) -> {
      if (e != null && stage instanceof Future<?> answer) {
        answer.cancel(true); // a no-op when the service's own failure ended the call
      }
    });
    stage.whenComplete((v, e) -> {
      if (e == null) {
        result.complete(v);
      } else {
        result.completeExceptionally(new LocalFailure(RpcClient.unwrap(e)));
      }
    });
    return result;
  }

  /** This node's own instance's publisher for a stream method, called in-process. */
  @SuppressWarnings("unchecked")
  Flow.Publisher<Object> localStream(String service, RpcMethod rpc, Object[] args) throws Throwable {
    ServiceExport export = exports.find(service).orElseThrow(() -> new NoInstanceAvailableException(service,
        localNode, "this node no longer serves it"));
    try {
      Object publisher = rpc.method().invoke(export.implementation(), args);
      if (publisher == null) {
        throw new NullPointerException(rpc.describe() + " returned null instead of a Publisher");
      }
      return rpc.shape() == MethodShape.FLUX ? ReactorBridge.toFlowPublisher(publisher)
          : (Flow.Publisher<Object>) publisher;
    } catch (InvocationTargetException e) {
      throw e.getCause() == null ? e : e.getCause();
    }
  }

  static Throwable unwrapLocal(Throwable e) {
    return e instanceof LocalFailure l ? l.getCause() : e;
  }

  private static void invokeQuietly(RpcMethod rpc, Object target, Object[] args) {
    try {
      rpc.method().invoke(target, args);
    } catch (InvocationTargetException e) {
      org.slf4j.LoggerFactory.getLogger(RpcEndpoint.class).warn("one-way {} threw", rpc.describe(), e.getCause());
    } catch (IllegalAccessException e) {
      org.slf4j.LoggerFactory.getLogger(RpcEndpoint.class).warn("could not call one-way {}", rpc.describe(), e);
    }
  }

  /** Marks an exception the service threw during an in-process call, so it is passed on untouched. */
  static final class LocalFailure extends RuntimeException {
    LocalFailure(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  @Override
  public void close() {
    server.cancelAll();
    executor.close();
    timers.shutdownNow();
    for (DelayedTask delayed : List.copyOf(delayedTasks)) {
      delayed.abandon();
    }
  }

  private record HealthKey(String service, OutlierPolicy outliers, int maxConcurrentPerInstance) {}

  /** Ejection and load state of one service's instances, shared by its proxies. */
  record InstanceHealth(OutlierEjection ejection, InstanceLoad load) {}
}
