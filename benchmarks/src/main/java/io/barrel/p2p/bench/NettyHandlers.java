package io.barrel.p2p.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
}
