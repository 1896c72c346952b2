package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamListener;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;

/**
 * One server-stream call seen from the caller: a {@link Flow.Subscription} for one subscriber.
 * Demand goes to the server as {@link RpcFrame.Demand} frames (the server never sends more than
 * was asked, so nothing is buffered here beyond what the subscriber requested); cancelling resets
 * the stream, which cancels the call on the server.
 *
 * <p>Signals to the subscriber are serialized under this object's lock, so a deadline firing on a
 * timer thread never overlaps an item delivered from the stream.
 */
final class RemoteStream implements Flow.Subscription, StreamListener {

  private final RpcClient client;
  private final NodeName peer;
  private final String service;
  private final RpcMethod method;
  private final long timeoutMillis;
  private final Flow.Subscriber<? super Object> subscriber;
  private final long callId;
  private final long startNanos = System.nanoTime();
  private final String name;
  private final RpcFrameDecoder decoder;

  // Guarded by this.
  private AppStream stream;
  private long pendingDemand;
  private boolean terminated;
  private ScheduledFuture<?> deadline;

  RemoteStream(RpcClient client, NodeName peer, String service, RpcMethod method, long timeoutMillis,
      Flow.Subscriber<? super Object> subscriber) {
    this.client = client;
    this.peer = peer;
    this.service = service;
    this.method = method;
    this.timeoutMillis = timeoutMillis;
    this.subscriber = java.util.Objects.requireNonNull(subscriber, "subscriber");
    this.callId = client.nextCallId();
    this.name = service + "." + method.method().getName();
    this.decoder = new RpcFrameDecoder(client.frames());
  }

  void start(byte[] arguments, Map<String, String> headers) {
    byte[] request;
    try {
      request = client.frames().encode(new RpcFrame.Request(callId, service, method.id(), CallMode.SERVER_STREAM,
          timeoutMillis, headers, arguments));
    } catch (RuntimeException e) {
      subscriber.onSubscribe(this);
      terminate(e);
      return;
    }
    subscriber.onSubscribe(this);
    synchronized (this) {
      if (terminated) {
        return; // cancelled inside onSubscribe
      }
      if (timeoutMillis != RpcFrame.NO_TIMEOUT) {
        // Fired on the RPC timer, signalled from the application executor like the stream's items.
        deadline = client.schedule(() -> client.runOffLoop(() -> {
          if (terminate(new DeadlineExceededException(peer, name, timeoutMillis, "the stream did not end within the"
              + " deadline"))) {
            resetStream();
          }
        }), timeoutMillis);
      }
    }
    // The demand asked for so far (usually in onSubscribe) rides with the request, in the packet
    // that opens the stream; demand asked for while the stream opens follows once it is there.
    long initialDemand;
    synchronized (this) {
      initialDemand = pendingDemand;
      pendingDemand = 0;
    }
    byte[] first = initialDemand == 0 ? request
        : concat(request, client.frames().encode(new RpcFrame.Demand(callId, initialDemand)));
    client.open(peer, service, name, first, this::open).whenComplete((s, error) -> {
      if (error != null) {
        client.runOffLoop(() -> terminate(RpcClient.unwrap(error))); // noticed on the event loop
        return;
      }
      s.closeFuture().whenComplete((v, e) -> client.released(peer));
      long demand;
      synchronized (this) {
        stream = s;
        if (terminated) {
          s.reset();
          return;
        }
        demand = pendingDemand;
        pendingDemand = 0;
      }
      s.listen(this);
      if (demand > 0) {
        s.write(client.frames().encode(new RpcFrame.Demand(callId, demand)));
      }
    });
  }

  private synchronized boolean open() {
    return !terminated;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public void request(long n) {
    AppStream s;
    synchronized (this) {
      if (terminated) {
        return;
      }
      if (n <= 0) {
        // Reactive Streams rule 3.9.
        s = null;
      } else if (stream == null) {
        pendingDemand = saturatedAdd(pendingDemand, n);
        return;
      } else {
        s = stream;
      }
    }
    if (s == null) {
      if (terminate(new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)"))) {
        resetStream();
      }
      return;
    }
    s.write(client.frames().encode(new RpcFrame.Demand(callId, n)));
  }

  @Override
  public void cancel() {
    synchronized (this) {
      if (terminated) {
        return;
      }
      terminated = true;
      cancelDeadline();
    }
    resetStream();
    client.record(service, method, startNanos, new java.util.concurrent.CancellationException());
  }

  private void resetStream() {
    AppStream s;
    synchronized (this) {
      s = stream;
    }
    if (s != null) {
      s.reset();
    }
  }

  @Override
  public void onData(AppStream s, byte[] data) {
    try {
      decoder.feed(data, 0, data.length, this::onFrame);
    } catch (RpcDecodeException e) {
      client.protocolError(e.problem().name().toLowerCase(Locale.ROOT));
      PayloadTooLargeException tooLarge = e.payloadTooLarge();
      terminate(tooLarge != null ? tooLarge : new ConnectionLostMidCallException(peer, name, e));
      s.reset();
    } catch (IllegalStateException e) {
      // the decoder failed earlier; the stream is being reset
    }
  }

  private void onFrame(RpcFrame frame) {
    if (frame.callId() != callId) {
      client.protocolError("wrong_call");
      terminate(new ConnectionLostMidCallException(peer, name, new IllegalStateException("the server answered call "
          + frame.callId() + " on the stream of call " + callId)));
      stream.reset();
    } else if (frame instanceof RpcFrame.StreamItem item) {
      Object value;
      try {
        value = client.codec().decodeResult(method.method(), item.value());
      } catch (RuntimeException e) {
        if (terminate(e)) {
          stream.reset();
        }
        return;
      }
      synchronized (this) {
        if (!terminated) {
          subscriber.onNext(value);
        }
      }
    } else if (frame instanceof RpcFrame.StreamEnd) {
      if (terminate(null)) {
        stream.finish();
      }
    } else if (frame instanceof RpcFrame.Failure f) {
      if (terminate(RpcClient.failure(f, peer, service, method, timeoutMillis))) {
        stream.finish();
      }
    } else {
      client.protocolError("unexpected_frame");
      terminate(new ConnectionLostMidCallException(peer, name, new IllegalStateException("unexpected " + frame
          + " in a server stream")));
      stream.reset();
    }
  }

  @Override
  public void onEnd(AppStream s) {
    synchronized (this) {
      if (terminated) {
        return; // the usual end: the last frame came first; no exception to build
      }
    }
    terminate(new ConnectionLostMidCallException(peer, name, new IllegalStateException(
        "the server ended the stream without a last frame")));
  }

  @Override
  public void onError(AppStream s, Throwable cause) {
    terminate(new ConnectionLostMidCallException(peer, name, cause));
  }

  /**
   * Ends the subscription with {@code error}, or completes it when null; false when it had ended.
   */
  private boolean terminate(Throwable error) {
    synchronized (this) {
      if (terminated) {
        return false;
      }
      terminated = true;
      cancelDeadline();
      if (error == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(error);
      }
    }
    client.record(service, method, startNanos, error);
    return true;
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
