package io.barrel.p2p.transport;

import io.barrel.p2p.identity.Fingerprint;
import io.barrel.p2p.transport.auth.AuthDecodeException;
import io.barrel.p2p.transport.auth.AuthEffect;
import io.barrel.p2p.transport.auth.AuthFailure;
import io.barrel.p2p.transport.auth.AuthFailureReason;
import io.barrel.p2p.transport.auth.AuthFrameCodec;
import io.barrel.p2p.transport.auth.AuthFrameReader;
import io.barrel.p2p.transport.auth.AuthHandshake;
import io.barrel.p2p.transport.auth.HandshakeRole;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Runs the pure {@link AuthHandshake} over the connection's handshake stream: feeds it decoded frames
 * and timer firings, carries its effects out (writes, the deadline, success, failure). All of it on
 * the connection's event loop, so the handshake object needs no locks.
 */
final class AuthExchange extends ChannelInboundHandlerAdapter {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final PeerConnection connection;
  /** Set on the event loop, read there. */
  private boolean failureCounted;
  private final Transport transport;
  private final HandshakeRole role;
  private final AuthFrameReader reader = new AuthFrameReader();
  private final long startedNanos;
  private AuthHandshake handshake;
  private QuicStreamChannel stream;
  private ChannelFuture lastWrite;
  private boolean unflushed;
  /**
   * The handshake's deadline timer, cancelled once the handshake is over or its stream is gone: it
   * holds this exchange, and through it the connection, for as long as it is queued.
   */
  private volatile Future<?> deadline;

  AuthExchange(PeerConnection connection, Transport transport, HandshakeRole role) {
    this.connection = connection;
    this.transport = transport;
    this.role = role;
    this.startedNanos = transport.nanoTime();
  }

  HandshakeRole role() {
    return role;
  }

  /** Notes that this handshake was counted as failed after all (see {@link Transport#authCompleted}). */
  void countedAsFailed() {
    failureCounted = true;
  }

  boolean failureCounted() {
    return failureCounted;
  }

  long startedNanos() {
    return startedNanos;
  }

  /** See {@link AuthHandshake#peerMayHaveFinished()}; false before the handshake started. */
  boolean peerMayHaveFinished() {
    return handshake != null && handshake.peerMayHaveFinished();
  }

  /** Binds to the stream and starts the handshake (the client also writes the stream header first). */
  void start(QuicStreamChannel stream, ByteBuf initialBytes) {
    this.stream = stream;
    byte[] binding;
    try {
      binding = channelBinding();
    } catch (Exception e) {
      fail(new AuthFailure(AuthFailureReason.CHANNEL_BINDING_UNAVAILABLE,
          "could not read the server certificate of this QUIC connection: " + e.getMessage()));
      return;
    }
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    handshake = new AuthHandshake(role, transport.identity(), transport.incarnation(), binding,
        connection.expectedPeer(),
        transport.authConfig(), transport.clusterSecret(), transport.trustSnapshot(), nonce);
    if (role == HandshakeRole.CLIENT) {
      stream.write(Unpooled.wrappedBuffer(StreamHeaderCodec.encode(new StreamHeader.Auth())));
      unflushed = true;
    }
    apply(handshake.start(transport.nanoTime(), transport.wallMillis()));
    if (initialBytes != null) {
      feed(initialBytes);
    }
  }

  /**
   * SHA-256 of the server's certificate DER as this side sees it: the client hashes what the peer
   * presented, the server what it presented itself. A relay with its own certificate breaks equality.
   */
  private byte[] channelBinding() throws SSLPeerUnverifiedException {
    SSLSession session = connection.channel().sslEngine().getSession();
    Certificate[] chain = role == HandshakeRole.CLIENT ? session.getPeerCertificates() : session.getLocalCertificates();
    if (chain == null || chain.length == 0) {
      throw new SSLPeerUnverifiedException("no server certificate on this connection");
    }
    try {
      return Fingerprint.sha256(chain[0].getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new SSLPeerUnverifiedException("server certificate cannot be encoded: " + e.getMessage());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      feed(buf);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void feed(ByteBuf buf) {
    try {
      if (handshake == null || handshake.isDone()) {
        return;
      }
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      List<io.barrel.p2p.transport.auth.AuthFrame> frames;
      try {
        frames = reader.feed(bytes, 0, bytes.length);
      } catch (AuthDecodeException e) {
        transport.countProtocolError("auth_frame");
        apply(handshake.onMalformed(e));
        return;
      }
      for (var frame : frames) {
        apply(handshake.onFrame(frame, transport.nanoTime(), transport.wallMillis()));
        if (handshake.isDone()) {
          break;
        }
      }
    } finally {
      buf.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    streamGone();
    cancelDeadline();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    streamGone();
  }

  private void streamGone() {
    if (handshake == null || handshake.isDone()) {
      return;
    }
    if (connection.isClosing()) {
      // This node closed the connection itself (it is stopping, or a dialer dropped a connection it
      // had started to use before the server's OK came): nobody failed to authenticate.
      handshake.abandon();
      return;
    }
    apply(handshake.onStreamClosed());
  }

  private void apply(List<AuthEffect> effects) {
    // Java 17 has no pattern switch; the effect family is sealed, so this chain is exhaustive.
    for (AuthEffect effect : effects) {
      if (effect instanceof AuthEffect.Send send) {
        // Frames of one turn leave in one flush, so a flight of three frames is one packet.
        lastWrite = stream.write(Unpooled.wrappedBuffer(AuthFrameCodec.encode(send.frame())));
        unflushed = true;
        continue;
      }
      flush(); // whatever was said goes out before the connection changes state
      if (effect instanceof AuthEffect.ArmDeadline arm) {
        long delay = Math.max(0, arm.deadlineNanos() - transport.nanoTime());
        cancelDeadline();
        deadline = stream.eventLoop().schedule(() -> {
          if (!handshake.isDone()) {
            apply(handshake.onDeadline(transport.nanoTime()));
          }
        }, delay, TimeUnit.NANOSECONDS);
      } else if (effect instanceof AuthEffect.Authenticated ok) {
        transport.authenticated(connection, this, ok.peer(), ok.publicKey(), ok.verdict(), ok.incarnation());
      } else if (effect instanceof AuthEffect.Completed) {
        // Our side is done talking on this stream; FIN it so it does not count as open.
        if (lastWrite != null) {
          lastWrite.addListener(f -> stream.shutdownOutput());
        } else {
          stream.shutdownOutput();
        }
        transport.authCompleted(this);
      } else if (effect instanceof AuthEffect.Failed failed) {
        fail(failed.failure());
      }
    }
    flush();
    if (handshake != null && handshake.isDone()) {
      cancelDeadline();
    }
  }

  /** The handshake's last deadline timer, null before one was armed. For tests. */
  Future<?> deadline() {
    return deadline;
  }

  private void cancelDeadline() {
    Future<?> timer = deadline;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void flush() {
    if (unflushed) {
      unflushed = false;
      stream.flush();
    }
  }

  private void fail(AuthFailure failure) {
    // Let a FAIL frame reach the peer before the connection goes, so it can say why.
    if (lastWrite != null && !lastWrite.isDone()) {
      lastWrite.addListener(f -> transport.authFailed(connection, this, failure));
    } else {
      transport.authFailed(connection, this, failure);
    }
  }
}
