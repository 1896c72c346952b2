package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.transport.AppStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Makes one call attempt on one chosen node: takes a data stream to it (a stream carries one call
 * at a time, so calls never wait behind each other; unary calls reuse idle streams from a
 * {@link StreamPool}, other calls open their own), writes the request, reads the answer with a
 * bounded decoder, and turns failures into the typed {@link RpcException}s. Choosing the node, retrying
 * and the call policy sit above, in the proxies; this class never retries.
 *
 * <p>A caller's cancellation and a missed deadline both reset the call's stream, so the server
 * stops working; a reset stream is never reused.
 *
 * <p>A call's future is completed on the thread that waits for it (a blocking proxy call) or on the
 * application executor, never on the QUIC event loop or the RPC timer, where deadlines fire and broken
 * streams are noticed: what the application chains on the future may block, and must stop neither the
 * node's I/O nor the other calls' deadlines.
 */
public final class RpcClient {

  /** Opens a data stream to a peer, connecting on demand ({@code Transport::openDataStream}). */
  @FunctionalInterface
  public interface StreamOpener {
    /**
     * A new data stream to {@code peer} with {@code firstBytes} (a call's request) already written
     * behind its header, so both leave in one packet.
     */
    CompletableFuture<AppStream> open(NodeName peer, byte[] firstBytes);
  }

  private final StreamOpener opener;
  private final RpcCodec codec;
  private final RpcFrameCodec frames;
  private final ScheduledExecutorService timers;
  private final Metrics metrics;
  private final PeerCallSlots slots;
  private final AtomicLong callIds = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final StreamPool pool = new StreamPool();
  private final Executor callbacks;

  /**
   * @param opener opens data streams
   * @param config limits, codec and per-peer bounds
   * @param timers fires deadlines and closes idle streams (tasks are tiny and never block)
   * @param callbacks where answers are decoded and futures completed when no caller waits on its
   *     own thread (the application executor)
   * @param metrics where call timings go
   */
  public RpcClient(StreamOpener opener, RpcConfig config, ScheduledExecutorService timers, Executor callbacks,
      Metrics metrics) {
    this.opener = Objects.requireNonNull(opener, "opener");
    this.codec = config.codec();
    this.frames = new RpcFrameCodec(config.limits());
    this.timers = Objects.requireNonNull(timers, "timers");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
    this.slots = new PeerCallSlots(config.maxInFlightPerPeer(), config.maxWaitingPerPeer());
    metrics.gauge(MeterName.RPC_CLIENT_IN_FLIGHT, inFlight::get);
    long sweep = StreamPool.IDLE_NANOS / 2;
    timers.scheduleWithFixedDelay(this::closeIdleStreams, sweep, sweep, TimeUnit.NANOSECONDS);
  }

  /** Idle streams kept towards {@code peer} for its next calls. */
  int idleStreams(NodeName peer) {
    return pool.idle(peer);
  }

  private void closeIdleStreams() {
    for (StreamPool.PooledStream s : pool.sweep(System.nanoTime())) {
      ((CallStream) s).close();
    }
  }

  /** The codec arguments and results go through. */
  public RpcCodec codec() {
    return codec;
  }

  /** Remote calls from this node waiting for their answer. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Calls in flight towards {@code peer}. */
  int inFlight(NodeName peer) {
    return slots.inFlight(peer);
  }

  /**
   * Calls a unary or one-way method on {@code peer}.
   *
   * @param arguments the encoded arguments ({@link RpcCodec#encodeArguments})
   * @param timeoutMillis how long to wait, or {@link RpcFrame#NO_TIMEOUT}
   * @return the decoded result (null for {@code void}); for a one-way method, completes once the
   *     request is written. Cancelling it cancels the call on the server.
   */
  public CompletableFuture<Object> call(NodeName peer, String service, RpcMethod method, byte[] arguments,
      long timeoutMillis, Map<String, String> headers) {
    return call(peer, service, method, arguments, timeoutMillis, headers, null);
  }

  /**
   * {@link #call(NodeName, String, RpcMethod, byte[], long, Map)} whose answer is read on {@code
   * delivery} (the blocked caller's own thread), or on the application executor when null.
   */
  CompletableFuture<Object> call(NodeName peer, String service, RpcMethod method, byte[] arguments,
      long timeoutMillis, Map<String, String> headers, Executor delivery) {
    if (method.callMode() == CallMode.SERVER_STREAM) {
      throw new IllegalArgumentException(method.describe() + " streams; call stream(...) instead");
    }
    UnaryCall call = new UnaryCall(this, peer, service, method, timeoutMillis, delivery);
    call.start(arguments, headers);
    return call.result;
  }

  /**
   * A server-stream call on {@code peer}, started anew for each subscriber. Items flow within the
   * subscriber's demand; cancelling the subscription cancels the call on the server.
   */
  public Flow.Publisher<Object> stream(NodeName peer, String service, RpcMethod method, byte[] arguments,
      long timeoutMillis, Map<String, String> headers) {
    if (method.callMode() != CallMode.SERVER_STREAM) {
      throw new IllegalArgumentException(method.describe() + " does not stream; call call(...) instead");
    }
    return subscriber -> new RemoteStream(this, peer, service, method, timeoutMillis, subscriber)
        .start(arguments, headers);
  }

  // ---------------------------------------------------------------- shared by the call kinds

  RpcFrameCodec frames() {
    return frames;
  }

  long nextCallId() {
    return callIds.incrementAndGet();
  }

  /**
   * Runs {@code task} (it ends a call or goes on with it) on {@code executor}, away from the event
   * loop and the RPC timer; if that refuses (it is shut down: the node is stopping), here, as a call
   * must end rather than hang.
   */
  static void runOffLoop(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException stopping) {
      task.run();
    }
  }

  /** {@link #runOffLoop(Executor, Runnable)} on the application executor. */
  void runOffLoop(Runnable task) {
    runOffLoop(callbacks, task);
  }

  ScheduledFuture<?> schedule(Runnable task, long millis) {
    return timers.schedule(task, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Gets a slot and a stream towards {@code peer} carrying {@code request}: the stream, or a failure
   * saying the call never left this node ({@link NoInstanceAvailableException},
   * {@link RemoteOverloadedException}, or {@link CancellationException} when {@code wanted} turned
   * false while the call waited for a slot). When the stream future fails the slot is already
   * released; otherwise the caller releases it with {@link #released} once the stream is closed.
   */
  CompletableFuture<AppStream> open(NodeName peer, String service, String call, byte[] request,
      BooleanSupplier wanted) {
    return slots.acquire(peer, call).thenCompose(v -> {
      inFlight.incrementAndGet();
      if (!wanted.getAsBoolean()) {
        // Ended (cancelled, expired) while waiting for a slot: do not send a request nobody waits for.
        released(peer);
        return CompletableFuture.failedFuture(new CancellationException(call + " ended before it was sent"));
      }
      return opener.open(peer, request).handle((stream, error) -> {
        if (error != null) {
          released(peer);
          throw new CompletionException(new NoInstanceAvailableException(service, peer,
              "could not reach the node: " + rootMessage(error), unwrap(error)));
        }
        return stream;
      });
    });
  }

  /** A slot towards {@code peer} for a unary call on a pooled stream; see {@link #countInFlight}. */
  CompletableFuture<Void> acquireSlot(NodeName peer, String call) {
    return slots.acquire(peer, call);
  }

  /** A call took its slot: it is in flight until {@link #released}. */
  void countInFlight() {
    inFlight.incrementAndGet();
  }

  /** Idle streams that carry unary calls, kept per peer. */
  StreamPool pool() {
    return pool;
  }

  /** A new data stream to {@code peer} with {@code request} written behind its header. */
  CompletableFuture<AppStream> openStream(NodeName peer, byte[] request) {
    return opener.open(peer, request);
  }

  /** A call holding a slot towards {@code peer} closed its stream. */
  void released(NodeName peer) {
    // The slot first: a call waiting for it counts itself in flight as it takes it (on this thread),
    // so a drain waiting for no call in flight never sees zero in between and returns too early.
    slots.release(peer);
    inFlight.decrementAndGet();
  }

  void record(String service, RpcMethod method, long startNanos, Throwable error) {
    metrics.record(MeterName.RPC_CLIENT_CALLS, Duration.ofNanos(System.nanoTime() - startNanos), service,
        method.method().getName(), outcome(error));
  }

  void protocolError(String problem) {
    metrics.increment(MeterName.RPC_PROTOCOL_ERRORS, problem);
  }

  /** The outcome tag of a call that ended with {@code error} (null: it succeeded). */
  static String outcome(Throwable error) {
    Throwable e = unwrap(error);
    if (e == null) {
      return "ok";
    } else if (e instanceof DeadlineExceededException) {
      return "deadline";
    } else if (e instanceof RemoteOverloadedException) {
      return "overloaded";
    } else if (e instanceof ConnectionLostMidCallException) {
      return "connection_lost";
    } else if (e instanceof NoInstanceAvailableException) {
      return "unavailable";
    } else if (e instanceof CancellationException) {
      return "cancelled";
    } else if (e instanceof PayloadTooLargeException) {
      return "too_large";
    } else if (e instanceof IncompatibleMethodException) {
      return "incompatible";
    }
    return "failed"; // the service threw (as RemoteInvocationException or its declared type), or a codec error
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static String rootMessage(Throwable t) {
    Throwable e = unwrap(t);
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** The exception a failure frame stands for; a deadline failure names the call's own timeout. */
  static Throwable failure(RpcFrame.Failure f, NodeName peer, String service, RpcMethod method, long timeoutMillis) {
    if (f.kind() == FailureKind.DEADLINE_EXCEEDED) {
      return new DeadlineExceededException(peer, service + "." + method.method().getName(),
          timeoutMillis == RpcFrame.NO_TIMEOUT ? -1 : timeoutMillis,
          "the server gave up: " + f.message());
    }
    return RemoteErrors.toException(f, peer, service, method.method());
  }
}
