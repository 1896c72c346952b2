package io.barrel.p2p.rpc;

import io.barrel.p2p.membership.SerialDelivery;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamAcceptor;
import io.barrel.p2p.transport.StreamListener;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the calls that arrive on this node's data streams: a stream carries one call at a time,
 * and a caller may reuse it for its next call. It reads the stream's frames with a bounded {@link RpcFrameDecoder}, hands the request to the
 * {@link ExportedServices}, runs the call on the {@link ServiceCallExecutor} (answering "overloaded"
 * when that is full), fires the deadline, passes the caller's demand and cancellation on, and
 * writes the replies back on the same stream, which it finishes once the caller has finished its
 * side and no call is open.
 *
 * <p>Calls per connection are bounded by QUIC itself: a peer can have at most
 * {@code transport.max-streams} streams open, and every call holds one (idle streams a caller
 * keeps for reuse count too).
 */
public final class RpcServer implements StreamAcceptor {

  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  private final ExportedServices exports;
  private final ServiceCallExecutor executor;
  private final RpcFrameCodec frames;
  private final ScheduledExecutorService timers;
  private final Executor callbacks;
  private final Metrics metrics;
  private final Set<ServedCall> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  /**
   * @param exports the services this node serves
   * @param executor where service methods run
   * @param frames the frame codec with this node's limits
   * @param timers fires server-side deadlines (tasks are tiny and never block)
   * @param callbacks where the caller's demand and cancellation reach the service's future or
   *     publisher (user code, so never the event loop the frames are read on)
   * @param metrics where call timings go
   */
  public RpcServer(ExportedServices exports, ServiceCallExecutor executor, RpcFrameCodec frames,
      ScheduledExecutorService timers, Executor callbacks, Metrics metrics) {
    this.exports = Objects.requireNonNull(exports, "exports");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.frames = Objects.requireNonNull(frames, "frames");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    metrics.gauge(MeterName.RPC_SERVER_IN_FLIGHT, inFlight::size);
  }

  /**
   * Called on the connection's event loop: requests are decoded and handed to the service
   * executor right there, without a hop through the application executor first.
   */
  @Override
  public void accept(AppStream stream) {
    stream.listenOnEventLoop(new InboundStream(stream));
  }

  /** Calls being served now (queued or running). */
  public int inFlight() {
    return inFlight.size();
  }

  /**
   * Stops taking new calls (they are answered "overloaded", so callers go elsewhere) and waits up
   * to {@code timeout} for the calls being served to end.
   *
   * @return true when every call ended in time
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    closing = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (inFlight) {
      while (!inFlight.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(inFlight, Math.max(1, left));
      }
    }
    return true;
  }

  /** Cancels every call still being served (their callers see the stream reset). */
  public void cancelAll() {
    closing = true;
    for (ServedCall c : inFlight) {
      c.stream.abort();
    }
  }

  private void ended(ServedCall call) {
    inFlight.remove(call);
    synchronized (inFlight) {
      inFlight.notifyAll();
    }
  }

  /**
   * One data stream from a caller: a sequence of calls, one at a time. Fed by the stream listener
   * on the event loop, one callback at a time. Reading frames and admitting a call happen there;
   * whatever reaches the service's own code (demand into its publisher, cancellation of its future
   * or subscription) goes through {@link #toService}, in order, on the callbacks executor.
   *
   * <p>A call's last frame ends the call, not the stream: the caller may send the next request on
   * the same stream (its pool of idle streams saves a stream open and close per call). This side
   * finishes the stream once the caller has finished its own side and no call is open; when the
   * caller finished first (one-way calls finish with their request), the last frame carries the FIN.
   */
  private final class InboundStream implements StreamListener {

    private final AppStream stream;
    private final RpcFrameDecoder decoder = new RpcFrameDecoder(frames);
    /** The call being served, or null between calls; written on the event loop only. */
    private volatile ServedCall current;
    /** Under this stream's lock: a call is open (its last frame not written, its outcome not in). */
    private boolean callOpen;
    /** Under this stream's lock: the caller finished its side. */
    private boolean callerFinished;
    /** Under this stream's lock: this side is finished. */
    private boolean finished;
    private Executor toService;

    InboundStream(AppStream stream) {
      this.stream = stream;
    }

    @Override
    public void onData(AppStream s, byte[] data) {
      try {
        decoder.feed(data, 0, data.length, this::onFrame);
      } catch (RpcDecodeException e) {
        protocolError(e.problem().name().toLowerCase(Locale.ROOT), e.getMessage());
      } catch (ProtocolViolation e) {
        protocolError(e.problem, e.getMessage());
      } catch (IllegalStateException e) {
        // The decoder already failed; anything more on this stream is ignored.
      }
    }

    private void onFrame(RpcFrame frame) {
      if (frame instanceof RpcFrame.Request request) {
        synchronized (this) {
          if (callOpen) {
            throw new ProtocolViolation("overlapping_call", "a request arrived while call "
                + current.callId + " is still open on this stream");
          }
          if (callerFinished) {
            throw new ProtocolViolation("request_after_end", "a request arrived after the caller finished its side");
          }
          callOpen = true;
        }
        start(request);
        return;
      }
      ServedCall c = current;
      if (c == null) {
        throw new ProtocolViolation("first_frame", "a call's stream must start with a request, got " + frame);
      }
      if (frame.callId() != c.callId) {
        // A late demand or cancel for a call that already ended: harmless, dropped. Anything naming
        // a call this stream never carried breaks the protocol.
        if (frame.callId() < c.callId) {
          return;
        }
        throw new ProtocolViolation("wrong_call", "frame for call " + frame.callId() + " while serving " + c.callId);
      }
      if (frame instanceof RpcFrame.Demand d) {
        toService().execute(() -> c.call.demand(d.n()));
      } else if (frame instanceof RpcFrame.Cancel) {
        toService().execute(c.call::cancel);
      } else {
        throw new ProtocolViolation("unexpected_frame", "a caller may send only demand and cancel after its request,"
            + " got " + frame);
      }
    }

    private void start(RpcFrame.Request request) {
      ServedCall served = new ServedCall(this, request.callId(), request.service());
      ServerCall c = exports.accept(request, frame -> reply(served, frame));
      served.call = c;
      served.method = c.method().map(m -> m.method().getName()).orElse("unknown");
      current = served;
      inFlight.add(served);
      c.outcome().whenComplete((outcome, error) -> finished(served, outcome));
      if (c.isDone()) {
        return; // refused: unknown service or method; the failure is already written
      }
      if (closing) {
        c.overloaded("node is shutting down");
        return;
      }
      if (request.hasTimeout()) {
        served.deadline = timers.schedule(c::expire, request.timeoutMillis(), TimeUnit.MILLISECONDS);
      }
      RpcContext context = new RpcContext(stream.peer(), served.service, served.method, request.headers());
      if (!executor.tryExecute(() -> context.run(c::run))) {
        c.overloaded("server busy: " + executor.maxConcurrent() + " calls running and " + executor.maxQueued()
            + " queued");
      }
    }

    private void reply(ServedCall served, RpcFrame frame) {
      byte[] bytes;
      try {
        bytes = frames.encode(frame);
      } catch (RuntimeException e) {
        // ServerCall sizes results before it sends them; a frame that still cannot be encoded is a bug here.
        log.warn("could not encode {} for a call from {}; resetting its stream", frame, stream.peer(), e);
        stream.reset();
        return;
      }
      if (frame instanceof RpcFrame.Response || frame instanceof RpcFrame.StreamEnd
          || frame instanceof RpcFrame.Failure) {
        boolean fin;
        synchronized (this) {
          callOpen = false;
          served.lastFrameSent = true;
          // The caller already finished its side: this is the stream's last frame too, and the
          // FIN goes in the same QUIC frame, one packet instead of two.
          fin = callerFinished && !finished;
          finished |= fin;
        }
        if (fin) {
          stream.writeAndFinish(bytes);
        } else {
          stream.write(bytes);
        }
      } else {
        stream.write(bytes);
      }
    }

    private void finished(ServedCall served, ServerCall.Outcome outcome) {
      ScheduledFuture<?> d = served.deadline;
      if (d != null) {
        d.cancel(false);
      }
      boolean fin = false;
      synchronized (this) {
        if (!served.lastFrameSent) {
          // Ended without a last frame (a one-way call): the call is over all the same.
          served.lastFrameSent = true;
          callOpen = false;
          fin = callerFinished && !finished;
          finished |= fin;
        }
      }
      if (fin) {
        stream.finish();
      }
      metrics.record(MeterName.RPC_SERVER_CALLS, Duration.ofNanos(System.nanoTime() - served.startNanos),
          served.service, served.method, outcome == null ? "failed" : outcome.name().toLowerCase(Locale.ROOT));
      ended(served);
    }

    @Override
    public void onEnd(AppStream s) {
      boolean fin;
      synchronized (this) {
        callerFinished = true;
        fin = !callOpen && !finished;
        finished |= fin;
      }
      if (current == null || decoder.bufferedBytes() > 0) {
        // The caller finished before sending a whole request: nothing to serve.
        protocolError("truncated", "the stream ended before a whole request arrived");
        return;
      }
      if (fin) {
        // Between calls (or after the last): the caller is done with this stream, and so are we.
        stream.finish();
      }
      // Otherwise the caller only half-closed during a call (one-way calls do): the call goes on,
      // and its last frame or its outcome finishes this side.
    }

    @Override
    public void onError(AppStream s, Throwable cause) {
      ServedCall c = current;
      if (c != null && !c.lastFrameSent) {
        // The caller reset the stream or its connection is gone: nobody waits for the answer.
        toService().execute(c.call::cancel);
      }
    }

    /** Created for the calls that need it (streams, cancellations); event loop only. */
    private Executor toService() {
      if (toService == null) {
        toService = new SerialDelivery(callbacks);
      }
      return toService;
    }

    void abort() {
      ServedCall c = current;
      if (c != null) {
        c.call.cancel();
      }
      stream.reset();
    }

    private void protocolError(String problem, String message) {
      metrics.increment(MeterName.RPC_PROTOCOL_ERRORS, problem);
      log.debug("malformed RPC stream from {}: {}", stream.peer(), message);
      ServedCall c = current;
      if (c != null && c.call != null) {
        toService().execute(c.call::cancel);
      }
      stream.reset();
    }
  }

  /** One call served on an {@link InboundStream}: what its outcome and deadline need. */
  private static final class ServedCall {
    final InboundStream stream;
    final long callId;
    final String service;
    final long startNanos = System.nanoTime();
    volatile ServerCall call;
    volatile String method = "";
    volatile ScheduledFuture<?> deadline;
    /** Under the stream's lock: the call's last frame went out (or its outcome came without one). */
    boolean lastFrameSent;

    ServedCall(InboundStream stream, long callId, String service) {
      this.stream = stream;
      this.callId = callId;
      this.service = service;
    }
  }

  /** A frame that decodes but breaks the call's order. */
  private static final class ProtocolViolation extends RuntimeException {
    final String problem;

    ProtocolViolation(String problem, String message) {
      super(message, null, false, false);
      this.problem = problem;
    }
  }
}
