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
 * Serves the calls that arrive on this node's data streams: one stream is one call. It reads the
 * stream's frames with a bounded {@link RpcFrameDecoder}, hands the request to the
 * {@link ExportedServices}, runs the call on the {@link ServiceCallExecutor} (answering "overloaded"
 * when that is full), fires the deadline, passes the caller's demand and cancellation on, and
 * writes the replies back on the same stream, which it finishes after the call's last frame.
 *
 * <p>Calls per connection are bounded by QUIC itself: a peer can have at most
 * {@code transport.max-streams} streams open, and every call holds one.
 */
public final class RpcServer implements StreamAcceptor {

  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  private final ExportedServices exports;
  private final ServiceCallExecutor executor;
  private final RpcFrameCodec frames;
  private final ScheduledExecutorService timers;
  private final Executor callbacks;
  private final Metrics metrics;
  private final Set<InboundCall> inFlight = ConcurrentHashMap.newKeySet();
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
    stream.listenOnEventLoop(new InboundCall(stream));
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
    for (InboundCall c : inFlight) {
      c.abort();
    }
  }

  private void ended(InboundCall call) {
    inFlight.remove(call);
    synchronized (inFlight) {
      inFlight.notifyAll();
    }
  }

  /**
   * The state of one call's stream: fed by the stream listener on the event loop, one callback at
   * a time. Reading frames and admitting the call happen there; whatever reaches the service's own
   * code (demand into its publisher, cancellation of its future or subscription) goes through
   * {@link #toService}, in order, on the callbacks executor.
   */
  private final class InboundCall implements StreamListener {

    private final AppStream stream;
    private final RpcFrameDecoder decoder = new RpcFrameDecoder(frames);
    private volatile ServerCall call;
    private ScheduledFuture<?> deadline;
    private long startNanos;
    private String service = "";
    private String method = "";
    // Set when the call's last frame went out with the FIN; touched only under the ServerCall's lock
    // (replies) and after its outcome (finished), which happens after the last reply.
    private volatile boolean finSent;
    private Executor toService;

    InboundCall(AppStream stream) {
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
      ServerCall c = call;
      if (c == null) {
        if (!(frame instanceof RpcFrame.Request request)) {
          throw new ProtocolViolation("first_frame", "a call's stream must start with a request, got " + frame);
        }
        start(request);
        return;
      }
      if (frame instanceof RpcFrame.Demand d) {
        toService().execute(() -> c.demand(d.n()));
      } else if (frame instanceof RpcFrame.Cancel) {
        toService().execute(c::cancel);
      } else {
        throw new ProtocolViolation("unexpected_frame", "a caller may send only demand and cancel after its request,"
            + " got " + frame);
      }
    }

    private void start(RpcFrame.Request request) {
      startNanos = System.nanoTime();
      service = request.service();
      ServerCall c = exports.accept(request, this::reply);
      call = c;
      method = c.method().map(m -> m.method().getName()).orElse("unknown");
      inFlight.add(this);
      c.outcome().whenComplete((outcome, error) -> finished(outcome));
      if (c.isDone()) {
        return; // refused: unknown service or method; the failure is already written
      }
      if (closing) {
        c.overloaded("node is shutting down");
        return;
      }
      if (request.hasTimeout()) {
        deadline = timers.schedule(c::expire, request.timeoutMillis(), TimeUnit.MILLISECONDS);
      }
      RpcContext context = new RpcContext(stream.peer(), service, method, request.headers());
      if (!executor.tryExecute(() -> context.run(c::run))) {
        c.overloaded("server busy: " + executor.maxConcurrent() + " calls running and " + executor.maxQueued()
            + " queued");
      }
    }

    private void reply(RpcFrame frame) {
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
        // The call's last frame: FIN in the same QUIC frame, one packet instead of two.
        finSent = true;
        stream.writeAndFinish(bytes);
      } else {
        stream.write(bytes);
      }
    }

    private void finished(ServerCall.Outcome outcome) {
      ScheduledFuture<?> d = deadline;
      if (d != null) {
        d.cancel(false);
      }
      // After the last reply (it was written before the outcome completed): FIN our side, unless
      // the last frame carried it already.
      if (!finSent) {
        stream.finish();
      }
      metrics.record(MeterName.RPC_SERVER_CALLS, Duration.ofNanos(System.nanoTime() - startNanos), service, method,
          outcome == null ? "failed" : outcome.name().toLowerCase(Locale.ROOT));
      ended(this);
    }

    @Override
    public void onEnd(AppStream s) {
      if (call == null) {
        // The caller finished before sending a whole request: nothing to serve.
        protocolError("truncated", "the stream ended before a whole request arrived");
      }
      // Otherwise the caller only half-closed (one-way calls do): the call goes on.
    }

    @Override
    public void onError(AppStream s, Throwable cause) {
      ServerCall c = call;
      if (c != null) {
        // The caller reset the stream or its connection is gone: nobody waits for the answer.
        toService().execute(c::cancel);
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
      ServerCall c = call;
      if (c != null) {
        c.cancel();
      }
      stream.reset();
    }

    private void protocolError(String problem, String message) {
      metrics.increment(MeterName.RPC_PROTOCOL_ERRORS, problem);
      log.debug("malformed RPC stream from {}: {}", stream.peer(), message);
      ServerCall c = call;
      if (c != null) {
        toService().execute(c::cancel);
      }
      stream.reset();
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
