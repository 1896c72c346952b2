package io.barrel.p2p.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Netty handlers the peers share: they work the same on a TCP+TLS channel and on a bare QUIC
 * stream channel, and all run on the event loop.
 */
final class NettyHandlers {

  private NettyHandlers() {}

  /** Echoes every chunk back as it is. */
  static final class EchoServer extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }
  }

  /** Client side of the echo test: sends the next message from the read callback. */
  static final class EchoClient extends ChannelInboundHandlerAdapter {
    private final PingPong pingPong;
    private volatile Channel channel;

    EchoClient(int size) {
      pingPong = new PingPong(size) {
        @Override
        void send() {
          channel.writeAndFlush(Unpooled.wrappedBuffer(message));
        }
      };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    CompletableFuture<Void> run(int n, Samples into) {
      return pingPong.run(n, into);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      int n = buf.readableBytes();
      buf.release();
      pingPong.onBytes(n);
    }
  }

  /** Where a receiving server counts the current transfer. */
  static final class SinkTarget {
    volatile Sink sink;
  }

  /** Counts what arrives, into the target's current sink. */
  static final class SinkHandler extends ChannelInboundHandlerAdapter {
    private final SinkTarget target;

    SinkHandler(SinkTarget target) {
      this.target = target;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      int n = buf.readableBytes();
      buf.release();
      target.sink.add(n);
    }
  }

  /**
   * Writes {@code total} bytes while the channel is writable and resumes on writability change, so
   * at most the high water mark is buffered. Every write is a view of one shared array.
   */
  static final class Pump extends ChannelInboundHandlerAdapter {
    private final byte[] chunk;
    private long remaining;
    private ChannelHandlerContext ctx;
    private boolean started;

    Pump(byte[] chunk, long total) {
      this.chunk = chunk;
      this.remaining = total;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    void start() {
      ctx.channel().eventLoop().execute(() -> {
        started = true;
        pump();
      });
    }

    private void pump() {
      Channel ch = ctx.channel();
      boolean wrote = false;
      while (remaining > 0 && ch.isWritable()) {
        int n = (int) Math.min(chunk.length, remaining);
        ch.write(Unpooled.wrappedBuffer(chunk, 0, n));
        remaining -= n;
        wrote = true;
      }
      if (wrote) {
        ch.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (started && ctx.channel().isWritable()) {
        pump();
      }
      ctx.fireChannelWritabilityChanged();
    }
  }

  /**
   * Client side of pipelined request/response over an echo server: each call writes one message
   * (write and flush, as an RPC call would) and is answered when as many bytes have come back,
   * first in, first out. All on the event loop; {@link InFlight} drives it.
   */
  static final class PipelinedEchoClient extends ChannelInboundHandlerAdapter {
    private final byte[] message;
    private final ArrayDeque<InFlight.Done> waiting = new ArrayDeque<>();
    private volatile Channel channel;
    private long received;

    PipelinedEchoClient(int size) {
      message = new byte[size];
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    /** Sends one message; {@code done} runs on the event loop once it is back. */
    void call(InFlight.Done done) {
      Channel ch = channel;
      if (ch.eventLoop().inEventLoop()) {
        waiting.add(done);
        ch.writeAndFlush(Unpooled.wrappedBuffer(message));
      } else {
        ch.eventLoop().execute(() -> call(done));
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      received += buf.readableBytes();
      buf.release();
      while (received >= message.length) {
        received -= message.length;
        waiting.poll().answered(null);
      }
    }
  }

  /**
   * Server side of the streaming floor: reads a request of (count i32, size i32), then writes
   * {@code count} items of {@code size} bytes, one write per item, while the channel is writable,
   * flushing after each batch and resuming on writability change.
   */
  static final class ItemStreamServer extends ChannelInboundHandlerAdapter {
    private final ByteBuf request = Unpooled.buffer(8);
    private byte[] item;
    private int remaining;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        request.writeBytes(buf, Math.min(buf.readableBytes(), request.writableBytes()));
      } finally {
        buf.release();
      }
      if (!request.isWritable()) {
        remaining = request.readInt();
        item = new byte[request.readInt()];
        request.clear();
        pump(ctx.channel());
      }
    }

    private void pump(Channel ch) {
      boolean wrote = false;
      while (remaining > 0 && ch.isWritable()) {
        ch.write(Unpooled.wrappedBuffer(item));
        remaining--;
        wrote = true;
      }
      if (wrote) {
        ch.flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (remaining > 0 && ctx.channel().isWritable()) {
        pump(ctx.channel());
      }
      ctx.fireChannelWritabilityChanged();
    }
  }
}
