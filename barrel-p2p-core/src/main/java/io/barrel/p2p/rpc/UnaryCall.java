package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.RpcClient.failure;
import static io.barrel.p2p.rpc.RpcClient.rootMessage;
import static io.barrel.p2p.rpc.RpcClient.unwrap;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamListener;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One unary or one-way call on one stream, from its request to its settled future: on a stream of
 * its own (one-way), or on a {@link CallStream} taken from the pool or opened for it (unary).
 */
final class UnaryCall implements StreamListener {

  private final RpcClient client;
  private final NodeName peer;
  private final String service;
  private final RpcMethod method;
  private final long timeoutMillis;
  final long callId;
  private final long startNanos = System.nanoTime();
  final String name;
  final CompletableFuture<Object> result = new CompletableFuture<>();
  private final RpcFrameDecoder decoder;
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

  UnaryCall(RpcClient client, NodeName peer, String service, RpcMethod method, long timeoutMillis,
      Executor delivery) {
    this.client = client;
    this.callId = client.nextCallId();
    this.decoder = new RpcFrameDecoder(client.frames());
    this.delivery = delivery;
    this.peer = peer;
    this.service = service;
    this.method = method;
    this.timeoutMillis = timeoutMillis;
    this.name = service + "." + method.method().getName();
  }

  void start(byte[] arguments, Map<String, String> headers) {
    try {
      request = client.frames().encode(new RpcFrame.Request(callId, service, method.id(), method.callMode(), timeoutMillis,
          headers, arguments));
    } catch (RuntimeException e) {
      result.completeExceptionally(e); // too large, or headers over the limits: the caller's to fix
      client.record(service, method, startNanos, e);
      return;
    }
    if (timeoutMillis != RpcFrame.NO_TIMEOUT) {
      deadline = client.schedule(() -> fail(new DeadlineExceededException(peer, name, timeoutMillis,
          "no answer within the deadline"), true), timeoutMillis);
    }
    result.whenComplete((v, e) -> ended(e));
    if (method.callMode() == CallMode.UNARY) {
      acquireStream(request);
      return;
    }
    client.open(peer, service, name, request, () -> !ending()).whenComplete((s, error) -> {
      if (error != null) {
        fail(unwrap(error), false);
        return;
      }
      stream = s;
      // The slot is the QUIC stream: it is free again once the stream is closed on both sides.
      s.closeFuture().whenComplete((v, e) -> client.released(peer));
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
    client.record(service, method, startNanos, error);
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
      client.released(peer);
    }
  }

  /** Runs {@code task}, which settles the call, on the waiting caller's thread or the application executor. */
  private void onSettlingThread(Runnable task) {
    if (delivery != null) {
      RpcClient.runOffLoop(delivery, task);
    } else {
      client.runOffLoop(task);
    }
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
    CompletableFuture<Void> slot = client.acquireSlot(peer, name);
    // A call that ends while it waits (deadline, cancellation) gives its place in line up at once.
    result.whenComplete((x, e) -> slot.cancel(false));
    slot.whenComplete((v, slotError) -> {
      if (slotError != null) {
        fail(unwrap(slotError), false);
        return;
      }
      client.countInFlight();
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
    CallStream cs = (CallStream) client.pool().take(peer);
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
    client.openStream(peer, request).whenComplete((s, error) -> {
      if (error != null) {
        fail(new NoInstanceAvailableException(service, peer, "could not reach the node: " + rootMessage(error),
            unwrap(error)), false);
        return;
      }
      CallStream cs = new CallStream(client, peer, s);
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
        result.complete(client.codec().decodeResult(method.method(), r.value()));
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
      client.protocolError(e.problem().name().toLowerCase(java.util.Locale.ROOT));
      fail(tooLarge != null ? tooLarge : new ConnectionLostMidCallException(peer, name, e), false);
      s.reset();
    } catch (IllegalStateException e) {
      // the decoder failed before; the stream is being reset
    }
  }

  private void onFrame(RpcFrame frame) {
    if (frame.callId() != callId) {
      client.protocolError("wrong_call");
      fail(new ConnectionLostMidCallException(peer, name, new IllegalStateException(
          "the server answered call " + frame.callId() + " on the stream of call " + callId)), false);
      stream.reset();
    } else if (frame instanceof RpcFrame.Response r) {
      Object value;
      try {
        value = client.codec().decodeResult(method.method(), r.value());
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
      client.protocolError("unexpected_frame");
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
