package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.StreamListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A data stream that carries unary calls one after another: its listener runs on the event loop,
 * cuts frames, and hands each call's last frame to that call; a stream whose call ended cleanly
 * goes back to the {@link StreamPool}. Any protocol fault, reset or end breaks it for good.
 */
final class CallStream implements StreamListener, StreamPool.PooledStream {

  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int CLOSED = 2;

  private final RpcClient client;
  private final NodeName peer;
  private final AppStream stream;
  private final RpcFrameDecoder decoder;
  /** IDLE, BUSY or CLOSED; {@link #current} changes only under this object's lock. */
  private final AtomicInteger state = new AtomicInteger(BUSY);
  private final AtomicBoolean finished = new AtomicBoolean();
  private UnaryCall current;
  /**
   * The write of the current call's request on this stream, null until it is made. A request
   * whose write has not succeeded never reached the server whole.
   */
  private CompletableFuture<Void> requestWrite;

  CallStream(RpcClient client, NodeName peer, AppStream stream) {
    this.client = client;
    this.peer = peer;
    this.stream = stream;
    this.decoder = new RpcFrameDecoder(client.frames());
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
    client.pool().remove(this);
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
      client.pool().remove(this);
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
    client.pool().remove(this);
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
      client.protocolError(e.problem().name().toLowerCase(java.util.Locale.ROOT));
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
    client.protocolError(problem);
    UnaryCall broken = takeAndBreak();
    stream.reset();
    if (broken != null) {
      broken.fail(new ConnectionLostMidCallException(peer, broken.name, new IllegalStateException(
          "unexpected " + frame + " on the stream of call " + broken.callId)), false);
    }
  }

  /** The call ended cleanly: keep the stream for the next call, or close it if enough are kept. */
  private void idle() {
    if (state.compareAndSet(BUSY, IDLE) && !client.pool().offer(this, System.nanoTime()) && claim()) {
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
