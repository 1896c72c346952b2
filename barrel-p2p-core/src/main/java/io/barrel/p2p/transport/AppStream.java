package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A bidirectional byte stream to a peer on that peer's QUIC connection, opened by tag with {@code
 * P2pNode.openStream(node, tag)} or handed to a {@link StreamAcceptor}. Thread-safe: writes may come
 * from any thread and are carried out on the connection's event loop.
 */
public final class AppStream {

  /** Inbound bytes queued for a slow listener before reading from the peer pauses. */
  static final int PAUSE_READ_BYTES = 1024 * 1024;
  /** Queued bytes below which reading resumes. */
  static final int RESUME_READ_BYTES = 256 * 1024;

  private final QuicStreamChannel channel;
  private final NodeName peer;
  private final String tag;
  private final boolean inbound;
  private final Executor listenerExecutor;
  private final PeerConnection connection;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  // Writes from threads other than the event loop, drained in order by one task per batch.
  private final java.util.Queue<PendingWrite> outbound = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicBoolean flushScheduled = new java.util.concurrent.atomic.AtomicBoolean();

  // Guarded by this: events waiting for a listener or for the listener to finish the previous one.
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private StreamListener listener;
  private boolean onEventLoop;
  private Executor deliveryExecutor;
  private boolean draining;
  private long queuedBytes;
  // Only touched by deliver(), which never runs twice at once (the draining flag).
  private boolean finished;

  AppStream(QuicStreamChannel channel, PeerConnection connection, String tag, boolean inbound,
      Executor listenerExecutor) {
    this.channel = channel;
    this.connection = connection;
    this.peer = connection.peer();
    this.tag = tag;
    this.inbound = inbound;
    this.listenerExecutor = listenerExecutor;
    channel.closeFuture().addListener(f -> {
      closed.complete(null);
      connection.streamClosed();
    });
  }

  /** The peer at the other end. */
  public NodeName peer() {
    return peer;
  }

  /** The tag the stream was opened with; null for the transport's internal data streams. */
  public String tag() {
    return tag;
  }

  /** True when the peer opened this stream. */
  public boolean isInbound() {
    return inbound;
  }

  /** QUIC stream id (for logs). */
  public long streamId() {
    return channel.streamId();
  }

  /** Sets the listener; any bytes that arrived before are delivered to it first, in order. */
  public void listen(StreamListener listener) {
    listen(listener, false, listenerExecutor);
  }

  /**
   * Sets a listener whose events run on {@code executor} instead of the application executor, one
   * at a time and in order: for a caller that waits for this stream's answer and can run it itself
   * (the RPC layer's blocking calls hand the answer straight to the waiting thread).
   */
  public void listen(StreamListener listener, Executor executor) {
    listen(listener, false, java.util.Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Sets a listener that is called on the connection's event loop, in order, without the hand-off
   * to the application executor: for the transport's own non-blocking consumers (the RPC layer
   * decodes frames there and hands the work on). The listener must never block or run user code;
   * everything else on this connection waits while it runs.
   */
  public void listenOnEventLoop(StreamListener listener) {
    listen(listener, true, listenerExecutor);
  }

  private void listen(StreamListener listener, boolean onEventLoop, Executor executor) {
    synchronized (this) {
      if (this.listener != null) {
        throw new IllegalStateException("stream " + streamId() + " already has a listener");
      }
      this.listener = listener;
      this.onEventLoop = onEventLoop;
      this.deliveryExecutor = executor;
    }
    drain();
  }

  /** Writes bytes; the future completes once QUIC has taken them, fails if the stream is closed. */
  public CompletableFuture<Void> write(byte[] data) {
    return write(Unpooled.wrappedBuffer(data));
  }

  /** Writes the remaining bytes of {@code data}. */
  public CompletableFuture<Void> write(ByteBuffer data) {
    return write(Unpooled.wrappedBuffer(data));
  }

  /**
   * Writes {@code data} and finishes this side (FIN) in the same QUIC frame: for a last message,
   * one packet instead of two.
   */
  public CompletableFuture<Void> writeAndFinish(byte[] data) {
    connection.touch();
    return enqueueWrite(new DefaultQuicStreamFrame(Unpooled.wrappedBuffer(data), true));
  }

  private CompletableFuture<Void> write(ByteBuf buf) {
    connection.touch();
    return enqueueWrite(buf);
  }

  /**
   * Writes {@code msg} in order with every other write on this stream, flushing once per batch.
   * On the event loop with nothing queued it is written at once; from another thread it joins a
   * queue that one event-loop task drains, writing everything queued before a single flush. A
   * thread producing many small writes (stream items, a listener answering) then costs one task
   * and one flush (one QUIC send, several packets in one GSO batch) per batch instead of per write.
   */
  private CompletableFuture<Void> enqueueWrite(Object msg) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (channel.eventLoop().inEventLoop() && outbound.isEmpty()) {
      channel.writeAndFlush(msg).addListener(f -> complete(done, f));
      return done;
    }
    outbound.add(new PendingWrite(msg, done));
    if (flushScheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this::drainWrites);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        flushScheduled.set(false);
        failQueuedWrites(e);
      }
    }
    return done;
  }

  private void drainWrites() {
    // Cleared first: a write queued while this drains schedules another pass rather than being missed.
    flushScheduled.set(false);
    boolean wrote = false;
    PendingWrite w;
    while ((w = outbound.poll()) != null) {
      CompletableFuture<Void> done = w.done;
      channel.write(w.msg).addListener(f -> complete(done, f));
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  private void failQueuedWrites(Throwable cause) {
    PendingWrite w;
    while ((w = outbound.poll()) != null) {
      io.netty.util.ReferenceCountUtil.release(w.msg);
      w.done.completeExceptionally(cause);
    }
  }

  private static void complete(CompletableFuture<Void> done, io.netty.util.concurrent.Future<?> f) {
    if (f.isSuccess()) {
      done.complete(null);
    } else {
      done.completeExceptionally(f.cause());
    }
  }

  private record PendingWrite(Object msg, CompletableFuture<Void> done) {}

  /** False while QUIC flow control or the write buffer is full; wait before writing more. */
  public boolean isWritable() {
    return channel.isWritable();
  }

  /** Finishes this side (FIN) after everything written before; the peer may still send. */
  public CompletableFuture<Void> finish() {
    // Not shutdownOutput(): in Netty 4.2.18 it writes the FIN directly, ahead of data still queued
    // behind QUIC flow control, and that data is then dropped. A FIN frame written through the
    // ordinary write path waits in the same queue, behind the data.
    return enqueueWrite(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true));
  }

  /** Aborts both directions (RESET_STREAM and STOP_SENDING with application code 0, cancelled). */
  public void reset() {
    channel.shutdown(0);
    channel.close();
  }

  /** Closes the stream (both directions). */
  public CompletableFuture<Void> close() {
    channel.close();
    return closed;
  }

  /** Completes when the stream is fully closed. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** The Netty handler that feeds this stream's inbound side; installed after the stream header. */
  ChannelInboundHandlerAdapter inboundHandler() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
          try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            connection.touch();
            enqueue(bytes, bytes.length);
          } finally {
            buf.release();
          }
        } else {
          ctx.fireChannelRead(msg);
        }
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
          enqueue(End.INSTANCE, 0);
        }
        ctx.fireUserEventTriggered(evt);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        enqueue(new Failure(cause), 0);
        ctx.close();
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        enqueue(Closed.INSTANCE, 0);
        ctx.fireChannelInactive();
      }
    };
  }

  private void enqueue(Object event, int size) {
    synchronized (this) {
      pending.add(event);
      queuedBytes += size;
      if (queuedBytes > PAUSE_READ_BYTES && channel.config().isAutoRead()) {
        channel.config().setAutoRead(false);
      }
    }
    drain();
  }

  private void drain() {
    boolean direct;
    Executor executor;
    synchronized (this) {
      if (listener == null || draining || pending.isEmpty()) {
        return;
      }
      draining = true;
      direct = onEventLoop;
      executor = deliveryExecutor;
    }
    if (!direct) {
      executor.execute(this::deliver);
    } else if (channel.eventLoop().inEventLoop()) {
      deliver();
    } else {
      channel.eventLoop().execute(this::deliver);
    }
  }

  private void deliver() {
    while (true) {
      Object event;
      StreamListener l;
      synchronized (this) {
        event = pending.poll();
        if (event == null) {
          draining = false;
          return;
        }
        l = listener;
        if (event instanceof byte[] b) {
          queuedBytes -= b.length;
          if (queuedBytes < RESUME_READ_BYTES && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
            channel.read();
          }
        }
      }
      try {
        if (event instanceof byte[] b) {
          l.onData(this, b);
        } else if (event == End.INSTANCE) {
          finished = true;
          l.onEnd(this);
        } else if (event instanceof Failure f && !finished) {
          finished = true;
          l.onError(this, f.cause);
        } else if (event == Closed.INSTANCE && !finished) {
          finished = true;
          l.onError(this, new ConnectionLostException(peer, connection.closeReason()));
        }
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(AppStream.class)
            .warn("stream listener for tag '{}' from {} threw; resetting the stream", tag, peer, e);
        reset();
      }
    }
  }

  private enum End { INSTANCE }

  private enum Closed { INSTANCE }

  private record Failure(Throwable cause) {}
}
