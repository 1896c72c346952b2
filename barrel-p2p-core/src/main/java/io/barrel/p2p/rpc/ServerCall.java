package io.barrel.p2p.rpc;

import java.lang.reflect.InvocationTargetException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One call being served. {@link ServiceExport#accept} checks the request and hands back the call
 * before anything runs, so the layer reading the call's stream can register it (to pass on the
 * caller's {@link RpcFrame.Demand} and {@link RpcFrame.Cancel} frames and to fire the deadline)
 * and then {@link #run()} it on a service executor, or turn it away with {@link #overloaded}.
 *
 * <p>Reply frames go to the consumer given to {@code accept}, one at a time, under this call's
 * lock, in order, and never after the call's last frame ({@link RpcFrame.Response},
 * {@link RpcFrame.StreamEnd} or {@link RpcFrame.Failure}); the consumer must not block. A one-way
 * call never replies. The frames may come from the thread that calls {@code run}, from the thread
 * that completes the service's future or drives its publisher, or from the thread that calls
 * {@link #expire()}.
 */
public final class ServerCall {

  /** How a call ended, for metrics. */
  public enum Outcome {
    /** A result, a completed stream, or a one-way method that returned. */
    OK,
    /** A failure frame was sent (or, one-way, would have been). */
    FAILED,
    /** The caller cancelled; nothing more was sent. */
    CANCELLED,
    /** The deadline passed; a {@link FailureKind#DEADLINE_EXCEEDED} failure was sent. */
    EXPIRED
  }

  private static final int VALUE_FRAME_OVERHEAD = RpcFrameCodec.MIN_LENGTH + Long.BYTES;

  private final long callId;
  private final CallMode mode;
  private final Consumer<? super RpcFrame> replies;
  private final RemoteErrors errors;
  private final RpcCodec codec;
  private final int maxFrameBytes;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

  // Set when accepted, read by run.
  private final RpcMethod method;
  private final Object target;
  private final byte[] arguments;

  // Guarded by this.
  private boolean started;
  private boolean done;
  private Thread runner;
  private boolean interruptedRunner;
  private Future<?> pendingResult;
  private Flow.Subscription subscription;
  private long demandBeforeSubscription;
  private long outstandingDemand;

  /** A call of {@code method} on {@code target} (both null for a call refused before it found a method). */
  ServerCall(RpcFrame.Request request, RpcMethod method, Object target, Consumer<? super RpcFrame> replies,
      RemoteErrors errors, RpcCodec codec, RpcLimits limits) {
    this.callId = request.callId();
    this.mode = request.mode();
    this.arguments = request.arguments();
    this.method = method;
    this.target = target;
    this.replies = Objects.requireNonNull(replies, "replies");
    this.errors = errors;
    this.codec = codec;
    this.maxFrameBytes = limits.maxFrameBytes();
  }

  /** The caller's id for this call. */
  public long callId() {
    return callId;
  }

  /** The method called, or empty when the request was refused before one was found. */
  public Optional<RpcMethod> method() {
    return Optional.ofNullable(method);
  }

  /** How the call ended; completes when its last frame is out, or when it was cancelled. */
  public CompletionStage<Outcome> outcome() {
    return outcome;
  }

  /** True once the call ended. */
  public synchronized boolean isDone() {
    return done;
  }

  /**
   * The caller can take {@code n} more stream items. Adds up with earlier demand, saturating at
   * {@link Long#MAX_VALUE} (unbounded); ignored for calls that are not server streams or are over.
   */
  public void demand(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("demand must be at least 1, got " + n);
    }
    Flow.Subscription s;
    synchronized (this) {
      if (done || mode != CallMode.SERVER_STREAM) {
        return;
      }
      outstandingDemand = saturatedAdd(outstandingDemand, n);
      if (subscription == null) {
        demandBeforeSubscription = saturatedAdd(demandBeforeSubscription, n);
        return;
      }
      s = subscription;
    }
    // Outside the lock: a publisher may emit from inside request(), on this thread or another one.
    s.request(n);
  }

  /**
   * The caller cancelled: stop the work (interrupt a running method, cancel its future or its
   * subscription) and send nothing more.
   */
  public void cancel() {
    stop(null, Outcome.CANCELLED);
  }

  /** The deadline passed: stop the work as {@link #cancel()} does and send a deadline failure. */
  public void expire() {
    stop(errors.of(callId, FailureKind.DEADLINE_EXCEEDED, "the call ran past its deadline on the server"),
        Outcome.EXPIRED);
  }

  private void stop(RpcFrame.Failure failure, Outcome end) {
    Future<?> future;
    Flow.Subscription s;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      if (failure != null && mode != CallMode.ONE_WAY) {
        replies.accept(failure);
      }
      if (runner != null) {
        // Interrupting only while the runner is inside the method (see invoke) keeps it from reaching later tasks.
        interruptedRunner = true;
        runner.interrupt();
      }
      future = pendingResult;
      s = subscription;
    }
    if (future != null) {
      future.cancel(true);
    }
    if (s != null) {
      s.cancel();
    }
    outcome.complete(end);
  }

  /**
   * Turns the call away because the server is overloaded ({@link FailureKind#OVERLOADED}), unless it
   * already started or ended; for when the service executor refuses it.
   */
  public void overloaded(String detail) {
    RpcFrame.Failure failure = errors.of(callId, FailureKind.OVERLOADED, detail);
    synchronized (this) {
      if (started || done) {
        return;
      }
      done = true;
      if (mode != CallMode.ONE_WAY) {
        replies.accept(failure);
      }
    }
    outcome.complete(Outcome.FAILED);
  }

  /** Ends the call before it ran, with a failure of the RPC layer's own. */
  void refuse(FailureKind kind, String message) {
    finish(errors.of(callId, kind, message), Outcome.FAILED);
  }

  /**
   * Decodes the arguments and runs the method on this thread, then sends its result or starts
   * waiting for its future or stream. Does nothing when the call already ended (refused,
   * cancelled, expired) or already ran. A plain method runs to completion inside this call; while
   * it runs, {@link #cancel()} and {@link #expire()} interrupt this thread.
   */
  public void run() {
    synchronized (this) {
      if (done || started) {
        return;
      }
      started = true;
    }
    Object[] args;
    try {
      args = codec.decodeArguments(method.method(), arguments);
    } catch (RuntimeException e) {
      refuse(FailureKind.BAD_ARGUMENTS, e.getMessage() == null ? e.toString() : e.getMessage());
      return;
    }
    invoke(method, target, args);
  }

  private void invoke(RpcMethod rpc, Object target, Object[] args) {
    synchronized (this) {
      if (done) {
        return;
      }
      runner = Thread.currentThread();
    }
    Object result;
    try {
      result = rpc.method().invoke(target, args);
    } catch (InvocationTargetException e) {
      finish(errors.application(callId, e.getCause() == null ? e : e.getCause()), Outcome.FAILED);
      return;
    } catch (IllegalAccessException | IllegalArgumentException e) {
      finish(errors.of(callId, FailureKind.INTERNAL, "could not call " + rpc.describe() + ": " + e), Outcome.FAILED);
      return;
    } finally {
      synchronized (this) {
        runner = null;
        if (interruptedRunner) {
          // Our interrupt must not leak into whatever this thread runs next.
          Thread.interrupted();
        }
      }
    }
    switch (rpc.shape()) {
      case PLAIN -> respond(result);
      case VOID -> finish(new RpcFrame.Response(callId, new byte[0]), Outcome.OK);
      case ONE_WAY -> finish(null, Outcome.OK);
      case FUTURE -> await(rpc, (CompletionStage<?>) result);
      case PUBLISHER -> subscribe(rpc, (Flow.Publisher<?>) result);
      case MONO -> await(rpc, result == null ? null : ReactorBridge.toFuture(result));
      case FLUX -> subscribe(rpc, result == null ? null : ReactorBridge.toFlowPublisher(result));
      default -> throw new IllegalStateException("unknown shape " + rpc.shape());
    }
  }

  private void await(RpcMethod rpc, CompletionStage<?> stage) {
    if (stage == null) {
      finish(errors.of(callId, FailureKind.INTERNAL, rpc.describe() + " returned null instead of a CompletionStage"),
          Outcome.FAILED);
      return;
    }
    boolean cancelNow = false;
    synchronized (this) {
      if (done) {
        cancelNow = true;
      } else if (stage instanceof Future<?> f) {
        pendingResult = f;
      }
    }
    if (cancelNow) {
      if (stage instanceof Future<?> f) {
        f.cancel(true);
      }
      return;
    }
    stage.whenComplete((value, error) -> {
      if (error == null) {
        respond(value);
      } else {
        finish(errors.application(callId, error), Outcome.FAILED);
      }
    });
  }

  private void respond(Object value) {
    byte[] bytes;
    try {
      bytes = codec.encodeResult(method.method(), value);
    } catch (RuntimeException e) {
      finish(errors.of(callId, FailureKind.INTERNAL, "could not encode the result: " + e.getMessage()),
          Outcome.FAILED);
      return;
    }
    if ((long) bytes.length + VALUE_FRAME_OVERHEAD > maxFrameBytes) {
      finish(tooLarge(bytes.length, "result"), Outcome.FAILED);
      return;
    }
    finish(new RpcFrame.Response(callId, bytes), Outcome.OK);
  }

  private void subscribe(RpcMethod rpc, Flow.Publisher<?> publisher) {
    if (publisher == null) {
      finish(errors.of(callId, FailureKind.INTERNAL, rpc.describe() + " returned null instead of a Publisher"),
          Outcome.FAILED);
      return;
    }
    publisher.subscribe(new StreamBridge());
  }

  private RpcFrame.Failure tooLarge(int bytes, String what) {
    return errors.of(callId, FailureKind.PAYLOAD_TOO_LARGE, "the " + what + " of " + method.describe()
        + " encodes to " + bytes + " bytes, over the server's " + maxFrameBytes + "-byte maximum message size");
  }

  /** Sends the call's last frame (none for one-way) unless the call already ended. */
  private void finish(RpcFrame last, Outcome end) {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      if (last != null && mode != CallMode.ONE_WAY) {
        replies.accept(last);
      }
    }
    outcome.complete(end);
  }

  /** Ends the stream with a failure of the RPC layer's own and cancels the subscription. */
  private void abortStream(RpcFrame.Failure failure) {
    Flow.Subscription s;
    synchronized (this) {
      s = subscription;
    }
    finish(failure, Outcome.FAILED);
    if (s != null) {
      s.cancel();
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** Turns the service's publisher into stream frames, within the caller's demand. */
  private final class StreamBridge implements Flow.Subscriber<Object> {

    @Override
    public void onSubscribe(Flow.Subscription s) {
      Objects.requireNonNull(s, "subscription");
      boolean cancelNow;
      long initial = 0;
      synchronized (ServerCall.this) {
        // A second onSubscribe breaks the Reactive Streams rules; the first subscription stays.
        cancelNow = done || subscription != null;
        if (!cancelNow) {
          subscription = s;
          initial = demandBeforeSubscription;
          demandBeforeSubscription = 0;
        }
      }
      if (cancelNow) {
        s.cancel();
      } else if (initial > 0) {
        s.request(initial);
      }
    }

    @Override
    public void onNext(Object item) {
      byte[] bytes;
      try {
        bytes = codec.encodeResult(method.method(), item);
      } catch (RuntimeException e) {
        abortStream(errors.of(callId, FailureKind.INTERNAL, "could not encode a stream item: " + e.getMessage()));
        return;
      }
      if ((long) bytes.length + VALUE_FRAME_OVERHEAD > maxFrameBytes) {
        abortStream(tooLarge(bytes.length, "stream item"));
        return;
      }
      boolean overran = false;
      synchronized (ServerCall.this) {
        if (done) {
          return;
        }
        if (outstandingDemand == 0) {
          overran = true;
        } else {
          if (outstandingDemand != Long.MAX_VALUE) {
            outstandingDemand--;
          }
          replies.accept(new RpcFrame.StreamItem(callId, bytes));
        }
      }
      if (overran) {
        // The caller buffers only what it asked for; a publisher that ignores demand is a server bug.
        abortStream(errors.of(callId, FailureKind.INTERNAL, "the service's publisher emitted more items than the"
            + " caller requested"));
      }
    }

    @Override
    public void onError(Throwable error) {
      finish(errors.application(callId, error == null ? new NullPointerException("onError(null)") : error),
          Outcome.FAILED);
    }

    @Override
    public void onComplete() {
      finish(new RpcFrame.StreamEnd(callId), Outcome.OK);
    }
  }
}
