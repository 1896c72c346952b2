package io.barrel.p2p.transport;

import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.transport.auth.HandshakeRole;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamPriority;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the streams a peer opens, by their header and the connection's phase: the handshake stream
 * to the server's auth exchange, the control stream to the connection's frame handlers, data
 * streams to the RPC layer's acceptor and tagged streams to the acceptor of their tag. A stream the
 * connection is not ready for yet is held unread, bounded, until it is; one that breaks the order
 * of the protocol closes the connection.
 */
final class InboundStreams {

  private static final Logger log = LoggerFactory.getLogger(InboundStreams.class);

  private final Transport transport;
  private final TransportConfig config;
  private final Metrics metrics;
  private final Executor applicationExecutor;
  private final Map<String, StreamAcceptor> acceptors = new ConcurrentHashMap<>();
  private volatile StreamAcceptor dataAcceptor;

  InboundStreams(Transport transport, TransportConfig config, Metrics metrics, Executor applicationExecutor) {
    this.transport = transport;
    this.config = config;
    this.metrics = metrics;
    this.applicationExecutor = applicationExecutor;
  }

  /** Sets the one acceptor of data streams; without one they are refused. */
  void dataAcceptor(StreamAcceptor acceptor) {
    this.dataAcceptor = acceptor;
  }

  /** Registers the one acceptor for {@code tag}; throws if the tag is taken or reserved. */
  void register(String tag, StreamAcceptor acceptor) {
    new StreamHeader.App(tag); // validates the tag's charset and length
    if (tag.startsWith(StreamHeader.RESERVED_TAG_PREFIX)) {
      throw new IllegalArgumentException("stream tag '" + tag + "' uses the reserved prefix '"
          + StreamHeader.RESERVED_TAG_PREFIX + "'");
    }
    if (acceptors.putIfAbsent(tag, acceptor) != null) {
      throw new IllegalStateException("stream tag '" + tag + "' already has an acceptor");
    }
  }

  boolean unregister(String tag) {
    return acceptors.remove(tag) != null;
  }

  /** Routes a stream whose header was read; {@code leftover} is what followed the header, or null. */
  void route(PeerConnection conn, QuicStreamChannel stream, StreamHeader header, ByteBuf leftover) {
    PeerConnection.Phase phase = conn.phase();
    if (header instanceof StreamHeader.Auth) {
      if (phase == PeerConnection.Phase.HANDSHAKING && conn.direction() == PeerConnection.Direction.INBOUND
          && conn.claimAuthStream()) {
        AuthExchange exchange = new AuthExchange(conn, transport, HandshakeRole.SERVER);
        conn.authExchange(exchange);
        stream.pipeline().addLast(exchange);
        exchange.start(stream, leftover);
        return;
      }
      release(leftover);
      transport.protocolFailure(conn, "auth_stream", "unexpected handshake stream in phase " + phase);
      return;
    }
    if (phase == PeerConnection.Phase.HANDSHAKING) {
      AuthExchange auth = conn.authExchange();
      if (auth != null && auth.peerMayHaveFinished()) {
        // The dialer has sent its RESPONSE and started to use the connection. Hold the stream,
        // unread (its bytes stay in QUIC's flow-controlled buffers), until the RESPONSE verifies;
        // if it does not, the connection closes with the stream never read.
        holdOrFail(conn, stream, header, leftover);
        return;
      }
      release(leftover);
      transport.protocolFailure(conn, "pre_auth_stream", "the peer opened a " + header.getClass().getSimpleName()
          + " stream before authenticating");
      return;
    }
    if (header instanceof StreamHeader.Control) {
      if (phase == PeerConnection.Phase.AUTHENTICATED && conn.direction() == PeerConnection.Direction.INBOUND) {
        conn.installControlHandlers(stream, config.maxControlFrameBytes());
        stream.updatePriority(new QuicStreamPriority(PeerConnection.CONTROL_URGENCY, false));
        conn.controlOpened(stream);
        if (leftover != null) {
          stream.pipeline().fireChannelRead(leftover);
        }
        releaseHeld(conn);
        return;
      }
      release(leftover);
      transport.protocolFailure(conn, "control_stream", "unexpected control stream in phase " + phase);
      return;
    }
    if (phase == PeerConnection.Phase.AUTHENTICATED && conn.direction() == PeerConnection.Direction.INBOUND) {
      // The dialer opened its control stream first, but QUIC does not order streams: its first
      // data or app stream may be read here before the control stream is. Hold it (bounded, and
      // unread, so its bytes stay in QUIC's buffers) until the control stream arrives.
      holdOrFail(conn, stream, header, leftover);
      return;
    }
    if (phase != PeerConnection.Phase.ESTABLISHED) {
      release(leftover);
      transport.protocolFailure(conn, "early_stream", "stream before the control stream");
      return;
    }
    accept(conn, stream, header, leftover);
  }

  private void accept(PeerConnection conn, QuicStreamChannel stream, StreamHeader header, ByteBuf leftover) {
    StreamAcceptor acceptor;
    String tag = null;
    if (header instanceof StreamHeader.App app) {
      tag = app.tag();
      acceptor = acceptors.get(tag);
      if (acceptor == null) {
        release(leftover);
        refuse(stream, "unknown_tag");
        return;
      }
    } else {
      acceptor = dataAcceptor;
      if (acceptor == null) {
        release(leftover);
        refuse(stream, "no_acceptor");
        return;
      }
    }
    AppStream appStream = conn.acceptStream(stream, tag);
    stream.pipeline().addLast(appStream.inboundHandler());
    metrics.increment(MeterName.STREAMS_OPENED, header instanceof StreamHeader.App ? "app" : "data", "inbound");
    StreamAcceptor chosen = acceptor;
    Runnable accept = () -> {
      try {
        chosen.accept(appStream);
      } catch (RuntimeException e) {
        log.warn("stream acceptor for tag '{}' threw; resetting the stream from {}", appStream.tag(), conn.peer(), e);
        appStream.reset();
      }
    };
    if (tag == null) {
      accept.run(); // the RPC layer's acceptor: non-blocking, on the event loop (see Transport.onDataStream)
    } else {
      applicationExecutor.execute(accept); // user code
    }
    if (leftover != null) {
      stream.pipeline().fireChannelRead(leftover);
    }
  }

  private void holdOrFail(PeerConnection conn, QuicStreamChannel stream, StreamHeader header, ByteBuf leftover) {
    if (!conn.parkEarlyStream(stream, header, leftover, config.maxPendingStreams())) {
      release(leftover);
      transport.protocolFailure(conn, "early_stream", "more than " + config.maxPendingStreams()
          + " streams before the connection was established");
    }
  }

  /**
   * Hands the held streams on, in arrival order, now that the connection has moved on. A stream
   * that must still wait (a data stream read before the control stream) is held again, unread.
   */
  void releaseHeld(PeerConnection conn) {
    for (PeerConnection.EarlyStream early : conn.takeEarlyStreams()) {
      if (conn.phase() == PeerConnection.Phase.CLOSED) {
        release(early.leftover());
        continue;
      }
      route(conn, early.stream(), early.header(), early.leftover());
      if (!conn.holdsEarlyStream(early.stream())) {
        early.stream().config().setAutoRead(true);
      }
    }
  }

  /** Refuses a stream with STREAM_REFUSED, counted by {@code reason}. */
  void refuse(QuicStreamChannel stream, String reason) {
    metrics.increment(MeterName.STREAMS_REFUSED, reason);
    stream.shutdown(StreamRefusedException.STREAM_REFUSED);
    stream.close();
  }

  private static void release(ByteBuf buf) {
    if (buf != null) {
      buf.release();
    }
  }
}
