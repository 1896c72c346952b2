package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamListener;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
    UnaryCall call = new UnaryCall(peer, service, method, timeoutMillis, delivery);
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

  /** One unary or one-way call on one stream. */
  private final class UnaryCall implements StreamListener {

    private final NodeName peer;
    private final String service;
    private final RpcMethod method;
    private final long timeoutMillis;
    private final long callId = nextCallId();
    private final long startNanos = System.nanoTime();
    private final String name;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    private final RpcFrameDecoder decoder = new RpcFrameDecoder(frames);
    private volatile AppStream stream;
    private volatile CallStream callStream;
    private volatile ScheduledFuture<?> deadline;
    /** Set once a pooled call holds a peer slot; cleared by whichever gives it back first. */
    private final AtomicBoolean holdsSlot = new AtomicBoolean();
    /** Set when the call is being ended with its stream reset: the reset's own errors are not the outcome. */
    private volatile boolean abandoning;
    private final Executor delivery;
    /** The encoded request, kept while the call lasts: a pooled stream lost before it left sends it again. */
    private byte[] request;

    UnaryCall(NodeName peer, String service, RpcMethod method, long timeoutMillis,
        Executor delivery) {
      this.delivery = delivery;
      this.peer = peer;
      this.service = service;
      this.method = method;
      this.timeoutMillis = timeoutMillis;
      this.name = service + "." + method.method().getName();
    }

    void start(byte[] arguments, Map<String, String> headers) {
      try {
        request = frames.encode(new RpcFrame.Request(callId, service, method.id(), method.callMode(), timeoutMillis,
            headers, arguments));
      } catch (RuntimeException e) {
        result.completeExceptionally(e); // too large, or headers over the limits: the caller's to fix
        record(service, method, startNanos, e);
        return;
      }
      if (timeoutMillis != RpcFrame.NO_TIMEOUT) {
        deadline = schedule(() -> fail(new DeadlineExceededException(peer, name, timeoutMillis,
            "no answer within the deadline"), true), timeoutMillis);
      }
      result.whenComplete((v, e) -> ended(e));
      if (method.callMode() == CallMode.UNARY) {
        acquireStream(request);
        return;
      }
      open(peer, service, name, request, () -> !ending()).whenComplete((s, error) -> {
        if (error != null) {
          fail(unwrap(error), false);
          return;
        }
        stream = s;
        // The slot is the QUIC stream: it is free again once the stream is closed on both sides.
        s.closeFuture().whenComplete((v, e) -> released(peer));
        if (ending()) {
          // Cancelled or expired while the stream was being opened: the server stops at the reset.
          s.reset();
          return;
        }
        if (delivery == null) {
          s.listen(this);
        } else {
          s.listen(this, delivery);
        }
        if (method.callMode() == CallMode.ONE_WAY) {
          s.finish().whenComplete((x, writeError) -> {
            if (writeError == null) {
              onSettlingThread(() -> result.complete(null));
            } else {
              fail(new ConnectionLostMidCallException(peer, name, unwrap(writeError)), false);
            }
          });
        }
      });
    }

    private void ended(Throwable error) {
      ScheduledFuture<?> d = deadline;
      if (d != null) {
        d.cancel(false);
      }
      if (error instanceof CancellationException) {
        cancelRemote();
      }
      record(service, method, startNanos, error);
    }

    /**
     * Fails the call on its settling thread (see {@link #onSettlingThread}); when {@code cancelServer},
     * tells the server to stop.
     */
    void fail(Throwable error, boolean cancelServer) {
      if (cancelServer && !result.isDone()) {
        // At once, on the thread that noticed: the server stops and the stream and slot are freed
        // even while the settling executor is busy (a bounded pool on Java 17).
        abandoning = true;
        cancelRemote();
      }
      onSettlingThread(() -> {
        giveSlotBack();
        result.completeExceptionally(error);
      });
    }

    /** True once the call has ended or is being ended: nothing more is to be sent for it. */
    private boolean ending() {
      return abandoning || result.isDone();
    }

    /**
     * Frees the call's peer slot before its future completes: code chained on the future runs first
     * among its dependents and may block, and must not hold the slot meanwhile.
     */
    private void giveSlotBack() {
      if (holdsSlot.compareAndSet(true, false)) {
        released(peer);
      }
    }

    /** Runs {@code task}, which settles the call, on the waiting caller's thread or the application executor. */
    private void onSettlingThread(Runnable task) {
      runOffLoop(delivery != null ? delivery : callbacks, task);
    }

    /** Resetting the stream cancels the call on the server at once and frees the stream here. */
    private void cancelRemote() {
      CallStream cs = callStream;
      if (cs != null) {
        cs.abandon(this);
        return;
      }
      AppStream s = stream;
      if (s != null) {
        s.reset();
      }
    }

    // ---------------------------------------------------------------- unary calls on pooled streams

    /** A slot towards the peer, then a stream: an idle one from the pool, or a new one. */
    private void acquireStream(byte[] request) {
      CompletableFuture<Void> slot = slots.acquire(peer, name);
      // A call that ends while it waits (deadline, cancellation) gives its place in line up at once.
      result.whenComplete((x, e) -> slot.cancel(false));
      slot.whenComplete((v, slotError) -> {
        if (slotError != null) {
          fail(unwrap(slotError), false);
          return;
        }
        inFlight.incrementAndGet();
        // On a pooled stream the slot is the call, not the stream: free once the call has ended
        // (before its future completes when it ends here; when the caller cancels, just after).
        holdsSlot.set(true);
        result.whenComplete((x, e) -> giveSlotBack());
        if (!ending()) {
          send(request);
        }
      });
    }

    private void send(byte[] request) {
      CallStream cs = (CallStream) pool.take(peer);
      if (cs == null) {
        openStream(request);
        return;
      }
      if (!cs.attach(this)) {
        openStream(request);
        return;
      }
      callStream = cs;
      if (ending()) {
        // Cancelled or expired while it took the stream, before its cancellation could see it.
        cs.abandon(this);
        return;
      }
      CompletableFuture<Void> write = cs.writeRequest(this, request);
      if (write == null) {
        // The stream was taken from the call first: it closed (and sent the call on a new stream,
        // see CallStream#closed), or the call ended.
        return;
      }
      write.whenComplete((x, writeError) -> {
        if (writeError != null && cs.detach(this)) {
          // QUIC never took the request (the stream closed while idle): the call did not start,
          // so it goes on a new stream.
          callStream = null;
          openStream(request);
        }
      });
    }

    private void openStream(byte[] request) {
      opener.open(peer, request).whenComplete((s, error) -> {
        if (error != null) {
          fail(new NoInstanceAvailableException(service, peer, "could not reach the node: " + rootMessage(error),
              unwrap(error)), false);
          return;
        }
        CallStream cs = new CallStream(peer, s);
        cs.attachOpened(this);
        callStream = cs;
        s.closeFuture().whenComplete((v, e) -> cs.closed());
        s.listenOnEventLoop(cs);
        if (ending()) {
          // Cancelled or expired while the stream was being opened: the server stops at the reset.
          cs.abandon(this);
        }
      });
    }

    /**
     * Its pooled stream closed before the request had left whole: the server cannot have started
     * the call, so it goes on a new stream, whatever its idempotence.
     */
    void resend() {
      callStream = null;
      if (!ending()) {
        openStream(request);
      }
    }

    /** The call's last frame, handed over by its stream: settled on the delivery thread. */
    void answered(RpcFrame frame) {
      onSettlingThread(() -> settle(frame));
    }

    private void settle(RpcFrame frame) {
      giveSlotBack();
      if (frame instanceof RpcFrame.Response r) {
        try {
          result.complete(codec.decodeResult(method.method(), r.value()));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      } else {
        result.completeExceptionally(failure((RpcFrame.Failure) frame, peer, service, method, timeoutMillis));
      }
    }

    @Override
    public void onData(AppStream s, byte[] data) {
      try {
        decoder.feed(data, 0, data.length, this::onFrame);
      } catch (RpcDecodeException e) {
        PayloadTooLargeException tooLarge = e.payloadTooLarge();
        protocolError(e.problem().name().toLowerCase(java.util.Locale.ROOT));
        fail(tooLarge != null ? tooLarge : new ConnectionLostMidCallException(peer, name, e), false);
        s.reset();
      } catch (IllegalStateException e) {
        // the decoder failed before; the stream is being reset
      }
    }

    private void onFrame(RpcFrame frame) {
      if (frame.callId() != callId) {
        protocolError("wrong_call");
        fail(new ConnectionLostMidCallException(peer, name, new IllegalStateException(
            "the server answered call " + frame.callId() + " on the stream of call " + callId)), false);
        stream.reset();
      } else if (frame instanceof RpcFrame.Response r) {
        Object value;
        try {
          value = codec.decodeResult(method.method(), r.value());
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
          stream.finish();
          return;
        }
        result.complete(value);
        stream.finish();
      } else if (frame instanceof RpcFrame.Failure f) {
        result.completeExceptionally(failure(f, peer, service, method, timeoutMillis));
        stream.finish();
      } else {
        protocolError("unexpected_frame");
        fail(new ConnectionLostMidCallException(peer, name, new IllegalStateException(
            "unexpected " + frame + " in answer to a unary call")), false);
        stream.reset();
      }
    }

    @Override
    public void onEnd(AppStream s) {
      // Every answered call ends this way (the server's FIN): build the exception only if it is needed.
      if (method.callMode() != CallMode.ONE_WAY && !ending()) {
        fail(new ConnectionLostMidCallException(peer, name, new IllegalStateException(
            "the server ended the stream without an answer")), false);
      }
    }

    @Override
    public void onError(AppStream s, Throwable cause) {
      if (ending()) {
        return; // ended, or reset by this side to end it
      }
      fail(new ConnectionLostMidCallException(peer, name, cause), false);
    }
  }

  /**
   * A data stream that carries unary calls one after another: its listener runs on the event loop,
   * cuts frames, and hands each call's last frame to that call; a stream whose call ended cleanly
   * goes back to the {@link StreamPool}. Any protocol fault, reset or end breaks it for good.
   */
  private final class CallStream implements StreamListener, StreamPool.PooledStream {

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSED = 2;

    private final NodeName peer;
    private final AppStream stream;
    private final RpcFrameDecoder decoder = new RpcFrameDecoder(frames);
    /** IDLE, BUSY or CLOSED; {@link #current} changes only under this object's lock. */
    private final AtomicInteger state = new AtomicInteger(BUSY);
    private final AtomicBoolean finished = new AtomicBoolean();
    private UnaryCall current;
    /**
     * The write of the current call's request on this stream, null until it is made. A request
     * whose write has not succeeded never reached the server whole.
     */
    private CompletableFuture<Void> requestWrite;

    CallStream(NodeName peer, AppStream stream) {
      this.peer = peer;
      this.stream = stream;
    }

    @Override
    public NodeName peer() {
      return peer;
    }

    @Override
    public boolean claim() {
      return state.compareAndSet(IDLE, BUSY);
    }

    /** Makes {@code call} this stream's call; false when the stream broke meanwhile. */
    synchronized boolean attach(UnaryCall call) {
      if (state.get() != BUSY) {
        return false;
      }
      current = call;
      requestWrite = null;
      return true;
    }

    /** Makes {@code call}, whose request went out as this new stream's first bytes, its call. */
    synchronized void attachOpened(UnaryCall call) {
      current = call;
      requestWrite = CompletableFuture.completedFuture(null);
    }

    /**
     * Writes {@code call}'s request while the call still holds this stream; null when the stream
     * was taken from it first. Under the lock, so that {@link #closed} sees either no write or this one.
     */
    synchronized CompletableFuture<Void> writeRequest(UnaryCall call, byte[] bytes) {
      if (current != call) {
        return null;
      }
      requestWrite = stream.write(bytes);
      return requestWrite;
    }

    /** Takes {@code call} off the stream without touching the server (its request never left). */
    synchronized boolean detach(UnaryCall call) {
      if (current != call) {
        return false;
      }
      current = null;
      state.set(CLOSED);
      pool.remove(this);
      stream.reset();
      return true;
    }

    /**
     * The call was cancelled or missed its deadline: if it still holds the stream, reset it (the
     * server cancels the call) and never use it again.
     */
    synchronized void abandon(UnaryCall call) {
      if (current == call) {
        current = null;
        state.set(CLOSED);
        pool.remove(this);
        stream.reset();
      }
    }

    /** Closed by the idle sweep: finishing our side lets the server finish its own. */
    void close() {
      state.set(CLOSED);
      finish();
    }

    private void finish() {
      if (finished.compareAndSet(false, true)) {
        stream.finish();
      }
    }

    /**
     * The stream is closed on both sides (or reset). Its call, if any, fails as lost mid-call,
     * unless its request had not left whole: a close can overtake a write queued for the event
     * loop (the connection lost, the peer stopping), and then the call has not started.
     */
    void closed() {
      UnaryCall c;
      boolean requestLeft;
      synchronized (this) {
        CompletableFuture<Void> write = requestWrite;
        requestLeft = write != null && write.isDone() && !write.isCompletedExceptionally();
        c = takeAndBreak();
      }
      if (c == null) {
        return;
      }
      if (!requestLeft) {
        c.resend();
      } else {
        c.fail(new ConnectionLostMidCallException(peer, c.name, new IllegalStateException("the stream closed")),
            false);
      }
    }

    private synchronized UnaryCall takeAndBreak() {
      UnaryCall c = current;
      current = null;
      state.set(CLOSED);
      pool.remove(this);
      return c;
    }

    @Override
    public void onData(AppStream s, byte[] data) {
      if (state.get() == CLOSED) {
        return;
      }
      try {
        decoder.feed(data, 0, data.length, this::onFrame);
      } catch (RpcDecodeException e) {
        protocolError(e.problem().name().toLowerCase(java.util.Locale.ROOT));
        UnaryCall c = takeAndBreak();
        stream.reset();
        if (c != null) {
          PayloadTooLargeException tooLarge = e.payloadTooLarge();
          c.fail(tooLarge != null ? tooLarge : new ConnectionLostMidCallException(peer, c.name, e), false);
        }
      } catch (IllegalStateException e) {
        // the decoder failed before; the stream is being reset
      }
    }

    private void onFrame(RpcFrame frame) {
      UnaryCall c;
      String problem = null;
      synchronized (this) {
        c = current;
        if (state.get() == CLOSED) {
          return; // the call was abandoned and the stream reset; its answer may still come in
        } else if (c == null) {
          problem = "unexpected_frame";
        } else if (frame.callId() != c.callId) {
          problem = "wrong_call";
        } else if (frame instanceof RpcFrame.Response || frame instanceof RpcFrame.Failure) {
          current = null;
        } else {
          problem = "unexpected_frame";
        }
      }
      if (problem == null) {
        // Back in the pool first: the caller this answer wakes may call the same peer at once.
        idle();
        c.answered(frame);
        return;
      }
      // Nothing was asked on this stream, or the answer names another call or is no answer.
      protocolError(problem);
      UnaryCall broken = takeAndBreak();
      stream.reset();
      if (broken != null) {
        broken.fail(new ConnectionLostMidCallException(peer, broken.name, new IllegalStateException(
            "unexpected " + frame + " on the stream of call " + broken.callId)), false);
      }
    }

    /** The call ended cleanly: keep the stream for the next call, or close it if enough are kept. */
    private void idle() {
      if (state.compareAndSet(BUSY, IDLE) && !pool.offer(this, System.nanoTime()) && claim()) {
        close();
      }
    }

    @Override
    public void onEnd(AppStream s) {
      // The server finished its side: it does so only after ours, or when it goes away.
      UnaryCall c = takeAndBreak();
      finish();
      if (c != null) {
        c.fail(new ConnectionLostMidCallException(peer, c.name, new IllegalStateException(
            "the server ended the stream without an answer")), false);
      }
    }

    @Override
    public void onError(AppStream s, Throwable cause) {
      UnaryCall c = takeAndBreak();
      if (c != null) {
        c.fail(new ConnectionLostMidCallException(peer, c.name, cause), false);
      }
    }
  }
}
