package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamPriority;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One QUIC connection to one peer, from QUIC handshake to close. Its phase only moves forward:
 * {@code HANDSHAKING → AUTHENTICATED → ESTABLISHED → CLOSED}. The peer's authenticated name is the
 * connection's identity; nothing but the handshake's own stream is accepted before it is known.
 *
 * <p>Phase changes and stream bookkeeping happen on the connection's event loop; the read-only
 * accessors may be called from any thread.
 */
final class PeerConnection {

  /** Where the connection object lives on its QUIC channel, for stream handlers. */
  static final AttributeKey<PeerConnection> KEY = AttributeKey.valueOf("barrel-p2p.connection");

  /** Urgency of the control stream: membership and broadcast traffic goes first. */
  static final int CONTROL_URGENCY = 0;
  /** Urgency of data streams (RPC). */
  static final int DATA_URGENCY = 16;
  /** Urgency of application streams. */
  static final int APP_URGENCY = 64;

  /** How the connection was made. */
  enum Direction {
    /** This node dialed. */
    OUTBOUND,
    /** The peer dialed. */
    INBOUND
  }

  /** Where the connection is in its life. */
  enum Phase {
    /** QUIC is up, the Ed25519 handshake is running. */
    HANDSHAKING,
    /** The peer is authenticated; waiting for the dialer's control stream. */
    AUTHENTICATED,
    /** The control stream is open; the connection carries traffic. */
    ESTABLISHED,
    /** Closed for good. */
    CLOSED
  }

  private final QuicChannel channel;
  private final Direction direction;
  private final NodeName expectedPeer;
  private final Transport transport;
  private final long createdNanos;
  private final AtomicInteger openStreams = new AtomicInteger();
  private final AtomicInteger pendingHeaders = new AtomicInteger();
  private final CompletableFuture<PeerConnection> established = new CompletableFuture<>();

  private volatile Phase phase = Phase.HANDSHAKING;
  private volatile NodeName peer;
  private volatile byte[] peerKey;
  private volatile long peerIncarnation;
  private volatile QuicStreamChannel control;
  private volatile long lastActivityNanos;
  private volatile long lastSentNanos;
  private volatile Instant establishedAt;
  private volatile CloseReason closeReason = CloseReason.LOST;
  private boolean authStreamSeen;
  private volatile boolean closing;
  /** The handshake's deadline timer, cancelled once the handshake is over. */
  private volatile Future<?> handshakeDeadline;

  PeerConnection(QuicChannel channel, Direction direction, NodeName expectedPeer, Transport transport) {
    this.channel = channel;
    this.direction = direction;
    this.expectedPeer = expectedPeer;
    this.transport = transport;
    this.createdNanos = transport.nanoTime();
    this.lastActivityNanos = createdNanos;
    this.lastSentNanos = createdNanos;
    channel.attr(KEY).set(this);
  }

  QuicChannel channel() {
    return channel;
  }

  Direction direction() {
    return direction;
  }

  /** The name this node dialed (outbound only), checked against the authenticated name. */
  NodeName expectedPeer() {
    return expectedPeer;
  }

  /** The authenticated peer; null before authentication. */
  NodeName peer() {
    return peer;
  }

  /** When the life of the peer this connection reaches began, as its HELLO said; 0 before authentication. */
  long peerIncarnation() {
    return peerIncarnation;
  }

  byte[] peerKey() {
    return peerKey;
  }

  Phase phase() {
    return phase;
  }

  /** Established and not being closed: the only state in which it may be handed to callers. */
  boolean isUsable() {
    return phase == Phase.ESTABLISHED && !closing;
  }

  /** True once a local close has started (QUIC may still be draining). */
  boolean isClosing() {
    return closing;
  }

  /** The node that dialed this connection: decides duplicate tie-breaks. */
  NodeName dialer() {
    return direction == Direction.OUTBOUND ? transport.localName() : peer;
  }

  CompletableFuture<PeerConnection> established() {
    return established;
  }

  CloseReason closeReason() {
    return closeReason;
  }

  long createdNanos() {
    return createdNanos;
  }

  long lastActivityNanos() {
    return lastActivityNanos;
  }

  long lastSentNanos() {
    return lastSentNanos;
  }

  int openStreams() {
    return openStreams.get();
  }

  Instant establishedAt() {
    return establishedAt;
  }

  SocketAddress remoteAddress() {
    return channel.remoteSocketAddress();
  }

  /** Records traffic (either way) for the idle reaper. */
  void touch() {
    lastActivityNanos = transport.nanoTime();
  }

  void streamClosed() {
    openStreams.decrementAndGet();
  }

  /** True the first time: only one handshake stream per connection. */
  boolean claimAuthStream() {
    if (authStreamSeen) {
      return false;
    }
    authStreamSeen = true;
    return true;
  }

  /** Reserves a slot for an inbound stream whose header has not arrived; false when full. */
  boolean reservePendingHeader(int max) {
    if (pendingHeaders.incrementAndGet() > max) {
      pendingHeaders.decrementAndGet();
      return false;
    }
    return true;
  }

  void releasePendingHeader() {
    pendingHeaders.decrementAndGet();
  }

  /** The handshake succeeded: from now on the connection is the peer's, in its life {@code incarnation}. */
  void authenticated(NodeName peer, byte[] key, long incarnation) {
    this.peer = peer;
    this.peerKey = key.clone();
    this.peerIncarnation = incarnation;
    this.phase = Phase.AUTHENTICATED;
  }

  /** The dialer opens the control stream once it has authenticated the server. */
  void openControlStream(int maxFrame) {
    channel.createStream(QuicStreamType.BIDIRECTIONAL, new io.netty.channel.ChannelInitializer<QuicStreamChannel>() {
      @Override
      protected void initChannel(QuicStreamChannel ch) {
        installControlHandlers(ch, maxFrame);
      }
    }).addListener(f -> {
      if (!f.isSuccess()) {
        transport.protocolFailure(this, "control_stream", "could not open the control stream: " + f.cause());
        return;
      }
      QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
      // Checked here, in the same event-loop task that admits the connection: the peer only sees
      // it established once the header below arrives, so a dropped dial never displaces anything.
      PeerConnection kept = transport.supersededBy(this);
      if (kept != null) {
        transport.redundantDial(this, kept);
        return;
      }
      stream.updatePriority(new QuicStreamPriority(CONTROL_URGENCY, false));
      stream.writeAndFlush(Unpooled.wrappedBuffer(StreamHeaderCodec.encode(new StreamHeader.Control())));
      controlOpened(stream);
    });
  }

  /** Installs the frame decoder and handler on a control stream. */
  void installControlHandlers(QuicStreamChannel ch, int maxFrame) {
    // The decoder's bound counts the whole frame, its length field included: a payload of exactly
    // maxFrame, which the sender's codec accepts, must pass here too.
    ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(
        ControlFrameCodec.LENGTH_BYTES + ControlFrameCodec.CHANNEL_BYTES + maxFrame, 0, ControlFrameCodec.LENGTH_BYTES,
        0, ControlFrameCodec.LENGTH_BYTES, true));
    ch.pipeline().addLast(new ControlStreamHandler(this, transport));
  }

  /** A stream that arrived before the connection could take it, parked unread until it can. */
  record EarlyStream(QuicStreamChannel stream, StreamHeader header, io.netty.buffer.ByteBuf leftover) {}

  private final java.util.List<EarlyStream> earlyStreams = new java.util.ArrayList<>(); // event loop only
  private AuthExchange authExchange; // event loop only

  /** Parks a stream that came too early; false when {@code max} are already parked. */
  boolean parkEarlyStream(QuicStreamChannel stream, StreamHeader header, io.netty.buffer.ByteBuf leftover, int max) {
    if (earlyStreams.size() >= max) {
      return false;
    }
    stream.config().setAutoRead(false);
    earlyStreams.add(new EarlyStream(stream, header, leftover));
    return true;
  }

  /** True while {@code stream} is parked. */
  boolean holdsEarlyStream(QuicStreamChannel stream) {
    for (EarlyStream early : earlyStreams) {
      if (early.stream() == stream) {
        return true;
      }
    }
    return false;
  }

  /** The server's handshake on this connection, once its stream arrived (event loop only). */
  AuthExchange authExchange() {
    return authExchange;
  }

  void authExchange(AuthExchange exchange) {
    this.authExchange = exchange;
  }

  /** The parked streams, in arrival order, handed over once. */
  java.util.List<EarlyStream> takeEarlyStreams() {
    java.util.List<EarlyStream> out = java.util.List.copyOf(earlyStreams);
    earlyStreams.clear();
    return out;
  }

  /** The control stream exists on both sides: the connection now carries traffic. */
  void controlOpened(QuicStreamChannel stream) {
    if (phase != Phase.AUTHENTICATED) {
      transport.protocolFailure(this, "control_stream", "control stream in phase " + phase);
      return;
    }
    this.control = stream;
    this.phase = Phase.ESTABLISHED;
    this.establishedAt = Instant.now();
    cancelHandshakeDeadline();
    touch();
    transport.connectionEstablished(this);
  }

  /** Fails whoever waits for this connection (before it closes with a generic reason). */
  void failEstablished(Throwable cause) {
    established.completeExceptionally(cause);
  }

  void markEstablishedFuture(PeerConnection winner) {
    established.complete(winner);
  }

  /** Sends a control frame; fails if the connection is not established or the frame is too large. */
  CompletableFuture<Void> sendControl(ControlFrame frame) {
    QuicStreamChannel stream = control;
    if (phase != Phase.ESTABLISHED || stream == null) {
      return CompletableFuture.failedFuture(new ConnectionLostException(peer, closeReason));
    }
    ByteBuf buf;
    try {
      buf = ControlFrameCodec.encode(stream.alloc(), frame, transport.config().maxControlFrameBytes());
    } catch (FrameTooLargeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long now = transport.nanoTime();
    lastSentNanos = now;
    if (frame.channel() != ControlFrame.KEEP_ALIVE) {
      lastActivityNanos = now;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    stream.writeAndFlush(buf).addListener(f -> {
      if (f.isSuccess()) {
        done.complete(null);
      } else {
        done.completeExceptionally(new ConnectionLostException(peer, closeReason));
      }
    });
    return done;
  }

  /**
   * Opens a data or application stream; the header, and {@code firstBytes} when not null, are
   * written (in one flush) before the future completes.
   */
  CompletableFuture<AppStream> openStream(StreamHeader header, byte[] firstBytes) {
    if (phase != Phase.ESTABLISHED) {
      return CompletableFuture.failedFuture(new ConnectionLostException(peer, closeReason));
    }
    CompletableFuture<AppStream> result = new CompletableFuture<>();
    String tag = header instanceof StreamHeader.App app ? app.tag() : null;
    int urgency = header instanceof StreamHeader.App ? APP_URGENCY : DATA_URGENCY;
    channel.newStreamBootstrap()
        .type(QuicStreamType.BIDIRECTIONAL)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
        .create()
        .addListener(f -> {
          if (!f.isSuccess()) {
            // A connection closing under the caller's feet: nothing was sent, so say so with the
            // exception the transport retries on a fresh connection (and RPC as "never ran").
            result.completeExceptionally(!channel.isActive() || !isUsable()
                ? new ConnectionLostException(peer, closeReason)
                : new TransportException("could not open a stream to " + peer, f.cause()));
            return;
          }
          QuicStreamChannel ch = (QuicStreamChannel) f.getNow();
          openStreams.incrementAndGet();
          ch.updatePriority(new QuicStreamPriority(urgency, true));
          AppStream stream = new AppStream(ch, this, tag, false, transport.applicationExecutor());
          ch.pipeline().addLast(stream.inboundHandler());
          touch();
          byte[] headerBytes = StreamHeaderCodec.encode(header);
          ChannelFuture written = ch.writeAndFlush(firstBytes == null || firstBytes.length == 0
              ? Unpooled.wrappedBuffer(headerBytes) : Unpooled.wrappedBuffer(headerBytes, firstBytes));
          written.addListener(w -> {
            if (w.isSuccess()) {
              transport.streamOpened(header, "outbound");
              result.complete(stream);
            } else {
              ch.close();
              result.completeExceptionally(new ConnectionLostException(peer, closeReason));
            }
          });
        });
    return result;
  }

  /** Wraps an inbound data/app stream whose header has been read. */
  AppStream acceptStream(QuicStreamChannel ch, String tag) {
    openStreams.incrementAndGet();
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    AppStream stream = new AppStream(ch, this, tag, true, transport.applicationExecutor());
    touch();
    return stream;
  }

  /**
   * Hands over the handshake's deadline timer, armed on the event loop as the connection is made,
   * before its handshake can move on. It is cancelled as soon as the handshake ends either way, so
   * it no longer keeps the connection, and with a closed one its buffers, reachable from the event
   * loop's timer queue for the rest of handshake-timeout.
   */
  void handshakeDeadline(Future<?> timer) {
    handshakeDeadline = timer;
  }

  /** The handshake's deadline timer; null before {@link Transport} armed it. For tests. */
  Future<?> handshakeDeadline() {
    return handshakeDeadline;
  }

  private void cancelHandshakeDeadline() {
    Future<?> timer = handshakeDeadline;
    if (timer != null) {
      timer.cancel(false); // takes it off the event loop's timer queue
    }
  }

  /** Closes with a reason the peer sees as the application error code. */
  void close(CloseReason reason) {
    synchronized (this) {
      if (phase == Phase.CLOSED || closing) {
        return;
      }
      closing = true;
      closeReason = reason;
    }
    channel.close(true, Math.max(0, reason.code()), Unpooled.EMPTY_BUFFER);
  }

  /** The QUIC channel closed (any cause). */
  void closed(CloseReason reasonIfUnset) {
    if (phase == Phase.CLOSED) {
      return;
    }
    for (EarlyStream early : takeEarlyStreams()) {
      if (early.leftover() != null) {
        early.leftover().release();
      }
    }
    if (closeReason == CloseReason.LOST && reasonIfUnset != null) {
      closeReason = reasonIfUnset;
    }
    phase = Phase.CLOSED;
    cancelHandshakeDeadline();
    established.completeExceptionally(new ConnectionLostException(peer != null ? peer : expectedPeer, closeReason));
  }

  /** A snapshot for operators. */
  ConnectionInfo info() {
    long now = transport.nanoTime();
    return new ConnectionInfo(peer, direction == Direction.OUTBOUND,
        channel.remoteSocketAddress() instanceof InetSocketAddress a ? a : null,
        establishedAt, java.time.Duration.ofNanos(now - lastActivityNanos), openStreams.get());
  }

  @Override
  public String toString() {
    return "PeerConnection[" + (peer != null ? peer : expectedPeer) + ", " + direction + ", " + phase + "]";
  }

  static List<ConnectionInfo> infos(Iterable<PeerConnection> conns) {
    List<ConnectionInfo> out = new ArrayList<>();
    conns.forEach(c -> out.add(c.info()));
    return out;
  }
}
