package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bidirectional byte stream to a peer on that peer's QUIC connection, opened by tag with {@code
 * P2pNode.openStream(node, tag)} or handed to a {@link StreamAcceptor}. Thread-safe: writes may come
 * from any thread and are carried out on the connection's event loop.
 *
 * <p>Inbound bytes go to one listener: a {@link StreamListener} on the application executor (the
 * default, for code that may block), on an executor of the caller's, or on the event loop; or an
 * {@link InlineStreamListener} that reads them in place on the event loop, without a copy or a
 * thread hand-off, for bulk consumers. Outbound, {@link #isWritable()} and {@link #whenWritable()}
 * let a writer keep only what QUIC can take in flight.
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
  private final Queue<PendingWrite> outbound = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();

  // Guarded by this: events waiting for a listener or for the listener to finish the previous one.
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private StreamListener listener;
  // Set with the listener when it is inline: bytes then skip the queue whenever it is empty.
  private InlineStreamListener inline;
  private boolean onEventLoop;
  private Executor deliveryExecutor;
  private boolean draining;
  private long queuedBytes;
  // Reading from the peer is paused while either holds: the listener asked, or the queue is full.
  private boolean pausedByListener;
  private boolean pausedByQueue;
  // Event-loop confined: writers waiting for QUIC to take bytes again; null while none waits (most
  // streams never wait, and RPC opens many).
  private ArrayDeque<CompletableFuture<Void>> writableWaiters;
  // Only touched by deliver(), which never runs twice at once (the draining flag).
  private boolean finished;
  // Guarded by this: a listener threw and the stream is being reset; nothing more is delivered.
  private boolean listenerFailed;

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
    listen(listener, false, listenerExecutor, null);
  }

  /**
   * Sets a listener whose events run on {@code executor} instead of the application executor, one
   * at a time and in order: for a caller that waits for this stream's answer and can run it itself
   * (the RPC layer's blocking calls hand the answer straight to the waiting thread).
   */
  public void listen(StreamListener listener, Executor executor) {
    listen(listener, false, Objects.requireNonNull(executor, "executor"), null);
  }

  /**
   * Sets a listener that is called on the connection's event loop, in order, without the hand-off
   * to the application executor: for the transport's own non-blocking consumers (the RPC layer
   * decodes frames there and hands the work on). The listener must never block or run user code;
   * everything else on this connection waits while it runs.
   */
  public void listenOnEventLoop(StreamListener listener) {
    listen(listener, true, listenerExecutor, null);
  }

  /**
   * Sets a listener that reads the bytes in place on the connection's event loop: no copy into a
   * {@code byte[]} and no hand-off to another thread, the fastest way to consume a bulk stream. See
   * {@link InlineStreamListener} for what such a listener must never do. Bytes that arrived before
   * are delivered to it first, in order, on the event loop.
   */
  public void listenInline(InlineStreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    listen(new QueuedForInline(listener), true, listenerExecutor, listener);
  }

  private void listen(StreamListener listener, boolean onEventLoop, Executor executor, InlineStreamListener inline) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (this.listener != null) {
        throw new IllegalStateException("stream " + streamId() + " already has a listener");
      }
      this.listener = listener;
      this.inline = inline;
      this.onEventLoop = onEventLoop;
      this.deliveryExecutor = executor;
    }
    drain();
  }

  /**
   * Stops reading from the peer until {@link #resumeReading()}: the listener is called no more
   * (once a call under way returns), what already arrived waits, and once the stream's flow-control
   * window is used up the peer's writes wait too. For a listener that hands bytes to slower work (an
   * inline listener above all) and must not be given more until that work catches up. The end of
   * the stream or its loss also wait for the resume, in order after the bytes; {@link
   * #closeFuture()} completes regardless. Callable from any thread; pausing twice needs one resume.
   */
  public void pauseReading() {
    synchronized (this) {
      pausedByListener = true;
    }
    applyAutoRead();
  }

  /** Reads from the peer again after {@link #pauseReading()}. Callable from any thread. */
  public void resumeReading() {
    synchronized (this) {
      pausedByListener = false;
    }
    applyAutoRead();
    drain();
  }

  private synchronized boolean shouldRead() {
    return !pausedByListener && !pausedByQueue;
  }

  /**
   * Sets the channel's auto-read from the two pause flags. Called without holding this: turning
   * reading on may read at once on the event loop, which calls the listener, and a listener is never
   * called under this stream's lock. Threads that pause and resume at the same time may set the
   * channel in either order, so it sets again until the channel agrees with the flags.
   */
  private void applyAutoRead() {
    boolean read;
    do {
      read = shouldRead();
      if (channel.config().isAutoRead() != read) {
        channel.config().setAutoRead(read); // turning it on also asks the channel for a read
      }
    } while (read != shouldRead());
  }

  /** Bytes received and waiting for the listener (the queue that pauses reading when it grows). */
  synchronized long queuedBytes() {
    return queuedBytes;
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
      } catch (RejectedExecutionException e) {
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
      ReferenceCountUtil.release(w.msg);
      w.done.completeExceptionally(cause);
    }
  }

  private static void complete(CompletableFuture<Void> done, Future<?> f) {
    if (f.isSuccess()) {
      done.complete(null);
    } else {
      done.completeExceptionally(f.cause());
    }
  }

  private record PendingWrite(Object msg, CompletableFuture<Void> done) {}

  /**
   * False while QUIC cannot take more bytes on this stream (flow control or congestion): writes made
   * now wait in memory. A bulk writer writes while this is true, then waits for {@link
   * #whenWritable()}.
   */
  public boolean isWritable() {
    return channel.isWritable();
  }

  /**
   * Completes once QUIC can take bytes on this stream again: at once if it can now, otherwise on the
   * connection's event loop when the stream turns writable (so a writer continuing from it writes
   * without a thread hand-off). Fails if the stream closes first.
   */
  public CompletableFuture<Void> whenWritable() {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    if (channel.isActive() && channel.isWritable()) {
      ready.complete(null);
      return ready;
    }
    if (channel.eventLoop().inEventLoop()) {
      awaitWritable(ready);
    } else {
      try {
        channel.eventLoop().execute(() -> awaitWritable(ready));
      } catch (RejectedExecutionException e) {
        ready.completeExceptionally(streamClosed());
      }
    }
    return ready;
  }

  private void awaitWritable(CompletableFuture<Void> ready) {
    if (!channel.isActive()) {
      ready.completeExceptionally(streamClosed());
    } else if (channel.isWritable()) {
      ready.complete(null);
    } else {
      if (writableWaiters == null) {
        writableWaiters = new ArrayDeque<>();
      }
      writableWaiters.add(ready);
    }
  }

  /** Wakes the waiting writers; {@code closed} fails them instead (the exception is made only then). */
  private void releaseWriters(boolean closed) {
    if (writableWaiters == null) {
      return;
    }
    // Taken first: a writer woken here may write and wait again, joining the next round.
    ArrayDeque<CompletableFuture<Void>> woken = writableWaiters;
    writableWaiters = null;
    Throwable failure = closed ? streamClosed() : null;
    for (CompletableFuture<Void> w : woken) {
      if (failure == null) {
        w.complete(null);
      } else {
        w.completeExceptionally(failure);
      }
    }
  }

  private TransportException streamClosed() {
    return new TransportException("stream " + streamId() + " to " + peer + " is closed");
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
            connection.touch();
            InlineStreamListener direct = inlineWithNothingQueued();
            if (direct != null) {
              readInPlace(direct, buf);
            } else {
              byte[] bytes = new byte[buf.readableBytes()];
              buf.readBytes(bytes);
              enqueue(bytes, bytes.length);
            }
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
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
          releaseWriters(false);
        }
        ctx.fireChannelWritabilityChanged();
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        enqueue(Closed.INSTANCE, 0);
        releaseWriters(true);
        ctx.fireChannelInactive();
      }
    };
  }

  /**
   * The inline listener, if there is one and nothing waits in the queue before the bytes now
   * arriving (bytes that came before it was set, or while a queued delivery is still to run), so
   * that handing them over in place keeps them in order.
   */
  private synchronized InlineStreamListener inlineWithNothingQueued() {
    return inline != null && !draining && pending.isEmpty() && !listenerFailed && !pausedByListener ? inline : null;
  }

  private void readInPlace(InlineStreamListener direct, ByteBuf buf) {
    try {
      int count = buf.nioBufferCount();
      if (count == 1) {
        direct.onData(this, buf.nioBuffer().asReadOnlyBuffer());
      } else if (count > 1) {
        for (ByteBuffer part : buf.nioBuffers()) {
          direct.onData(this, part.asReadOnlyBuffer());
        }
      } else {
        direct.onData(this, ByteBuffer.wrap(ByteBufUtil.getBytes(buf)).asReadOnlyBuffer());
      }
    } catch (RuntimeException e) {
      listenerThrew(e);
    }
  }

  private void listenerThrew(RuntimeException e) {
    synchronized (this) {
      listenerFailed = true;
      pending.clear();
      queuedBytes = 0;
    }
    org.slf4j.LoggerFactory.getLogger(AppStream.class)
        .warn("stream listener for tag '{}' from {} threw; resetting the stream", tag, peer, e);
    reset();
  }

  private void enqueue(Object event, int size) {
    boolean pause = false;
    synchronized (this) {
      if (listenerFailed) {
        return; // the stream is being reset; nothing more goes to a listener that threw
      }
      pending.add(event);
      queuedBytes += size;
      if (queuedBytes > PAUSE_READ_BYTES && !pausedByQueue) {
        pausedByQueue = true;
        pause = true;
      }
    }
    if (pause) {
      applyAutoRead();
    }
    drain();
  }

  private void drain() {
    boolean direct;
    Executor executor;
    synchronized (this) {
      if (listener == null || draining || pending.isEmpty() || pausedByListener) {
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
      boolean resume = false;
      synchronized (this) {
        event = pausedByListener ? null : pending.poll();
        if (event == null) {
          draining = false;
          return;
        }
        l = listener;
        if (event instanceof byte[] b) {
          queuedBytes -= b.length;
          if (queuedBytes < RESUME_READ_BYTES && pausedByQueue) {
            pausedByQueue = false;
            resume = true;
          }
        }
      }
      if (resume) {
        applyAutoRead();
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
        listenerThrew(e);
      }
    }
  }

  /** Hands the bytes queued before an inline listener was set to it, as buffers over the copies. */
  private record QueuedForInline(InlineStreamListener inline) implements StreamListener {
    @Override
    public void onData(AppStream stream, byte[] data) {
      inline.onData(stream, ByteBuffer.wrap(data).asReadOnlyBuffer());
    }

    @Override
    public void onEnd(AppStream stream) {
      inline.onEnd(stream);
    }

    @Override
    public void onError(AppStream stream, Throwable cause) {
      inline.onError(stream, cause);
    }
  }

  private enum End { INSTANCE }

  private enum Closed { INSTANCE }

  private record Failure(Throwable cause) {}
}
