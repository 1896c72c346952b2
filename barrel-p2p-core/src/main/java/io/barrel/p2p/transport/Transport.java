package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustMode;
import io.barrel.p2p.identity.TrustPolicy;
import io.barrel.p2p.identity.TrustStore;
import io.barrel.p2p.identity.TrustVerdict;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.tls.TlsMaterial;
import io.barrel.p2p.transport.auth.AuthConfig;
import io.barrel.p2p.transport.auth.AuthFailure;
import io.barrel.p2p.transport.auth.AuthFailureReason;
import io.barrel.p2p.transport.auth.AuthenticationException;
import io.barrel.p2p.transport.auth.ClusterSecret;
import io.barrel.p2p.transport.auth.HandshakeRole;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamPriority;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's authenticated QUIC transport: one UDP socket, at most one connection per peer, the
 * Ed25519 handshake on every connection, control frames by channel, data and tagged application
 * streams, on-demand dialing through an {@link AddressResolver}, keep-alives and the idle reaper.
 *
 * <p>Connection state changes on the endpoint's single event loop. Public methods are thread-safe.
 */
public final class Transport implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  private final TransportConfig config;
  private final AuthConfig authConfig;
  private final ClusterSecret clusterSecret;
  private final TrustStore trustStore;
  private final Metrics metrics;
  private final Executor ioExecutor;
  private final Executor applicationExecutor;
  private final IdlePolicy idlePolicy;
  /** This node's life, above its earlier ones; peers compare lives to spot a restart. */
  private final long incarnation;

  private final Map<NodeName, PeerConnection> table = new ConcurrentHashMap<>();
  private final Set<PeerConnection> all = ConcurrentHashMap.newKeySet();
  /** Inbound connections whose QUIC or auth handshake is under way: decides when to ask for a Retry. */
  private final AtomicInteger unfinishedInbound = new AtomicInteger();
  private final Map<Integer, ControlListener> controlListeners = new ConcurrentHashMap<>();
  private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
  private final Dialer dialer;
  /** Identity conflicts repeat at every redial: one line a minute says each side of it. */
  private final ThrottledLog earlierLivesRefused;
  private final ThrottledLog refusedAsEarlierLife;
  private final ControlOutbox controlOutbox;
  private final InboundStreams inboundStreams;

  private volatile NodeIdentity identity;
  private volatile QuicSslContext serverContext;
  private volatile Predicate<NodeName> activeView = peer -> false;
  private QuicEndpoint endpoint;
  private InetSocketAddress boundAddress;
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param ioExecutor runs blocking work: address resolution and trust-pin writes
   * @param applicationExecutor runs stream acceptors and listeners (user code)
   * @param incarnation this life of the node, above every earlier life of its identity (see
   *     {@link io.barrel.p2p.identity.IncarnationStore}); told to every peer in the handshake
   */
  public Transport(TransportConfig config, NodeIdentity identity, TlsMaterial tls, AuthConfig authConfig,
      TrustStore trustStore, AddressResolver resolver, Metrics metrics, Executor ioExecutor,
      Executor applicationExecutor, long incarnation) {
    this.config = Objects.requireNonNull(config, "config");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.authConfig = Objects.requireNonNull(authConfig, "authConfig");
    // Derived once, here: the slow derivation (see ClusterSecret) must never run on a handshake.
    this.clusterSecret = ClusterSecret.of(authConfig.clusterSecret());
    this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.ioExecutor = Objects.requireNonNull(ioExecutor, "ioExecutor");
    this.applicationExecutor = Objects.requireNonNull(applicationExecutor, "applicationExecutor");
    this.idlePolicy = new IdlePolicy(config.gcMinIdle());
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must not be negative: " + incarnation);
    }
    this.incarnation = incarnation;
    this.serverContext = serverContext(tls);
    this.dialer = new Dialer(this, table, Objects.requireNonNull(resolver, "resolver"), ioExecutor, metrics,
        config.connectTimeout().plus(authConfig.handshakeTimeout()));
    this.controlOutbox = new ControlOutbox(MAX_QUEUED_CONTROL_FRAMES, this::usableConnection, this::connection,
        this::isClosed, metrics);
    this.inboundStreams = new InboundStreams(this, config, metrics, applicationExecutor);
    this.earlierLivesRefused = new ThrottledLog(TimeUnit.MINUTES.toNanos(1), System::nanoTime);
    this.refusedAsEarlierLife = new ThrottledLog(TimeUnit.MINUTES.toNanos(1), System::nanoTime);
  }

  /** Binds the UDP socket and starts the keep-alive and idle-reaper timers. */
  public InetSocketAddress start() {
    endpoint = new QuicEndpoint(config, () -> serverContext, ConnectionHandler.inbound(this),
        InboundStreamHandler.initializer(this), new RetryTokens(unfinishedInbound::get, config.retryThreshold(),
            () -> metrics.increment(MeterName.RETRIES_SENT)));
    try {
      boundAddress = endpoint.bind();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while binding " + config.bindHost() + ":" + config.port());
    } catch (RuntimeException e) {
      endpoint.close();
      throw new TransportException("could not start the QUIC endpoint on udp " + config.bindHost() + ":"
          + config.port() + " (if the port is in use, set transport.port to a free port or 0): " + e.getMessage(), e);
    }
    long keepAlive = Math.max(1, config.keepAliveInterval().toMillis() / 2);
    timers.add(endpoint.eventLoop().scheduleAtFixedRate(this::keepAlive, keepAlive, keepAlive, TimeUnit.MILLISECONDS));
    long sweep = config.gcSweepPeriod().toMillis();
    timers.add(endpoint.eventLoop().scheduleAtFixedRate(this::reapIdle, sweep, sweep, TimeUnit.MILLISECONDS));
    metrics.gauge(MeterName.CONNECTIONS_ACTIVE, table::size);
    log.info("node {} listening on udp {} ({}{})", identity.name(), boundAddress,
        endpoint.usesEpoll() ? "epoll" : "nio", endpoint.usesGso() ? ", gso" : "");
    return boundAddress;
  }

  // ---------------------------------------------------------------- public API

  /** The address the socket is bound to. */
  public InetSocketAddress boundAddress() {
    return boundAddress;
  }

  /** This node's name. */
  public NodeName localName() {
    return identity.name();
  }

  /**
   * This node's current life: when it began, in wall-clock milliseconds, unless the clock went back
   * since an earlier life, which it always exceeds. Sent in every handshake, so a peer still holding
   * a connection to an earlier life of this node (one that crashed) replaces it with the new one at
   * once instead of waiting for its idle timeout; the registry's entries carry it too.
   */
  public long incarnation() {
    return incarnation;
  }

  /** The identity the next handshake will use. */
  public NodeIdentity identity() {
    return identity;
  }

  /** Switches to a rotated identity; the next handshake uses it, open connections are untouched. */
  public void identity(NodeIdentity rotated) {
    if (!rotated.name().equals(identity.name())) {
      throw new IllegalArgumentException("a rotated identity keeps the node name " + identity.name());
    }
    this.identity = rotated;
  }

  /** Switches to a rotated TLS certificate; the next inbound connection presents it. */
  public void tlsMaterial(TlsMaterial rotated) {
    this.serverContext = serverContext(rotated);
  }

  /** Peers with an established connection, sorted. */
  public Set<NodeName> connectedPeers() {
    Set<NodeName> out = new TreeSet<>();
    table.forEach((peer, c) -> {
      if (c.isUsable()) {
        out.add(peer);
      }
    });
    return out;
  }

  /** QUIC connections open in any phase (handshaking included); for leak checks and metrics. */
  public int openQuicConnections() {
    return all.size();
  }

  /** A snapshot of every established connection. */
  public List<ConnectionInfo> connections() {
    return PeerConnection.infos(table.values().stream().filter(PeerConnection::isUsable).toList());
  }

  /** The connection to {@code peer}, dialing it through the resolver if there is none. */
  CompletableFuture<PeerConnection> connection(NodeName peer) {
    return connection(peer, null);
  }

  /**
   * The connection to {@code peer}; without one, dials {@code address} or, when null, whatever the
   * resolver says. Concurrent callers share one attempt, which always ends: with the connection
   * (whichever side's dial won), or a failure after connect + handshake timeouts at the latest.
   */
  private CompletableFuture<PeerConnection> connection(NodeName peer, InetSocketAddress address) {
    return dialer.connection(peer, address);
  }

  /** The usable connection to {@code peer}, or null. */
  private PeerConnection usableConnection(NodeName peer) {
    PeerConnection c = table.get(peer);
    return c != null && c.isUsable() ? c : null;
  }

  /**
   * Runs {@code action} on the connection to {@code peer}. A connection can close between being
   * looked up and being used (an operator's disconnect, the idle reaper); when the action fails
   * because the connection it was given is already gone, nothing was sent, so it runs once more on
   * a fresh connection.
   */
  private <T> CompletableFuture<T> onConnection(NodeName peer,
      java.util.function.Function<PeerConnection, CompletableFuture<T>> action) {
    return connection(peer).thenCompose(c -> {
      if (!c.isUsable()) {
        return connection(peer).thenCompose(action);
      }
      return action.apply(c).handle((value, error) -> {
        Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
        if (cause instanceof ConnectionLostException && !c.isUsable() && !closed) {
          return connection(peer).thenCompose(action);
        }
        return error == null ? CompletableFuture.completedFuture(value) : CompletableFuture.<T>failedFuture(cause);
      }).thenCompose(f -> f);
    });
  }

  /** Ensures a connection to {@code peer} exists (dialing if needed). */
  public CompletableFuture<Void> connect(NodeName peer) {
    return connection(peer).thenApply(c -> null);
  }

  /** Dials {@code peer} at a known address, bypassing the resolver (bootstrap, tests). */
  public CompletableFuture<Void> connect(NodeName peer, InetSocketAddress address) {
    return connection(peer, Objects.requireNonNull(address, "address")).thenApply(c -> null);
  }

  /**
   * Sends a control frame to {@code peer}, connecting on demand. Frames to one peer leave in the
   * order they were sent, also while the connection is still being dialed: the protocols on top
   * (HyParView's NEIGHBOR then SHUFFLE, Plumtree's GRAFT then PRUNE) rely on it. At most
   * {@link #MAX_QUEUED_CONTROL_FRAMES} frames wait per peer; beyond that a send fails at once.
   */
  public CompletableFuture<Void> sendControl(NodeName peer, int channel, byte[] payload) {
    if (channel == ControlFrame.KEEP_ALIVE) {
      throw new IllegalArgumentException("control channel 0 is the transport's keep-alive");
    }
    if (closed) {
      return CompletableFuture.failedFuture(new TransportException("transport is closed"));
    }
    if (peer.equals(localName())) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("a node does not connect to itself"));
    }
    return controlOutbox.send(peer, new ControlFrame(channel, payload));
  }

  /** Frames waiting per peer for a connection before sends fail fast (backpressure). */
  public static final int MAX_QUEUED_CONTROL_FRAMES = 4096;

  /** Listens to one control channel (1..65535); replaces any previous listener of that channel. */
  public void onControl(int channel, ControlListener listener) {
    if (channel <= ControlFrame.KEEP_ALIVE || channel > ControlFrame.MAX_CHANNEL) {
      throw new IllegalArgumentException("control channel must be 1.." + ControlFrame.MAX_CHANNEL);
    }
    controlListeners.put(channel, listener);
  }

  /** Opens a tagged application stream to {@code peer}, connecting on demand. */
  public CompletableFuture<AppStream> openStream(NodeName peer, String tag) {
    StreamHeader.App header = new StreamHeader.App(tag);
    if (tag.startsWith(StreamHeader.RESERVED_TAG_PREFIX)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "stream tags starting with '" + StreamHeader.RESERVED_TAG_PREFIX + "' are reserved for barrel-p2p"));
    }
    return onConnection(peer, c -> c.openStream(header, null));
  }

  /** Opens an internal data stream (RPC) to {@code peer}. */
  public CompletableFuture<AppStream> openDataStream(NodeName peer) {
    return openDataStream(peer, null);
  }

  /**
   * Opens an internal data stream (RPC) to {@code peer} and writes {@code firstBytes} right behind
   * the stream header, in the same flush: a call's request leaves in the packet that opens its
   * stream instead of one packet later. The future completes once both are written.
   */
  public CompletableFuture<AppStream> openDataStream(NodeName peer, byte[] firstBytes) {
    return onConnection(peer, c -> c.openStream(new StreamHeader.Data(), firstBytes));
  }

  /**
   * Takes inbound data streams (the RPC layer); without one they are refused. Unlike an
   * application stream's acceptor, this one is called on the connection's event loop, so it must
   * not block: it sets the stream's listener and returns.
   */
  public void onDataStream(StreamAcceptor acceptor) {
    inboundStreams.dataAcceptor(acceptor);
  }

  /** Registers the one acceptor for {@code tag}; throws if the tag is taken or reserved. */
  public void registerAcceptor(String tag, StreamAcceptor acceptor) {
    inboundStreams.register(tag, acceptor);
  }

  /** Removes the acceptor for {@code tag}; later streams with it are refused. */
  public boolean unregisterAcceptor(String tag) {
    return inboundStreams.unregister(tag);
  }

  /** Tells the idle reaper which peers the membership layer keeps in its active view. */
  public void activeView(Predicate<NodeName> inActiveView) {
    this.activeView = Objects.requireNonNull(inActiveView);
  }

  /** Subscribes to connection up/down. */
  public void addConnectionListener(ConnectionListener listener) {
    connectionListeners.add(listener);
  }

  /** Closes the connection to {@code peer}, if any. */
  public void disconnect(NodeName peer) {
    PeerConnection c = table.get(peer);
    if (c != null) {
      c.close(CloseReason.REQUESTED);
    }
  }

  /** Runs one idle-reaper sweep now (operators and tests); returns the peers reaped. */
  public CompletableFuture<List<NodeName>> sweepIdleNow() {
    CompletableFuture<List<NodeName>> result = new CompletableFuture<>();
    endpoint.eventLoop().execute(() -> result.complete(reapIdle()));
    return result;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      timers.forEach(t -> t.cancel(false));
      for (PeerConnection c : all) {
        c.close(CloseReason.SHUTDOWN);
      }
      dialer.failAttempts();
      if (endpoint != null) {
        // Give CONNECTION_CLOSE frames a moment to leave before the socket goes.
        try {
          endpoint.eventLoop().submit(() -> { }).get(1, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // closing anyway
        }
      }
    } finally {
      if (endpoint != null) {
        endpoint.close(); // whatever failed before: the socket must not stay bound
      }
    }
  }

  // ---------------------------------------------------------------- handshakes and callbacks from connections

  /** Opens the handshake stream of a connection this node dialed and starts the client's exchange. */
  void startClientHandshake(PeerConnection conn) {
    AuthExchange exchange = new AuthExchange(conn, this, HandshakeRole.CLIENT);
    conn.channel().createStream(io.netty.handler.codec.quic.QuicStreamType.BIDIRECTIONAL, exchange)
        .addListener(f -> {
          if (!f.isSuccess()) {
            authFailed(conn, exchange, new AuthFailure(AuthFailureReason.STREAM_CLOSED,
                "could not open the handshake stream: " + f.cause()));
            return;
          }
          QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
          stream.updatePriority(new QuicStreamPriority(PeerConnection.CONTROL_URGENCY, false));
          exchange.start(stream, null);
        });
  }

  QuicEndpoint endpoint() {
    return endpoint;
  }

  boolean isClosed() {
    return closed;
  }

  TransportConfig config() {
    return config;
  }

  AuthConfig authConfig() {
    return authConfig;
  }

  ClusterSecret clusterSecret() {
    return clusterSecret;
  }

  /** Where user code runs: stream acceptors and listeners, and anything a layer above hands to the user. */
  public Executor applicationExecutor() {
    return applicationExecutor;
  }

  long nanoTime() {
    return System.nanoTime();
  }

  long wallMillis() {
    return System.currentTimeMillis();
  }

  /** The trust policy with the mode in force when a handshake starts; later switches apply to the next. */
  TrustPolicy trustSnapshot() {
    TrustMode mode = trustStore.mode();
    return (peer, key) -> trustStore.check(peer, key, mode);
  }

  void connectionCreated(PeerConnection conn) {
    all.add(conn);
    if (conn.direction() == PeerConnection.Direction.INBOUND) {
      unfinishedInbound.incrementAndGet();
    }
    // One deadline for the whole handshake, QUIC's included, whichever side is slow or silent: a
    // dial whose QUIC handshake succeeds and whose authentication then stalls (a partition, a peer
    // that stops answering) frees its callers within this, not connect-timeout later.
    long limit = authConfig.handshakeTimeout().toNanos();
    conn.handshakeDeadline(conn.channel().eventLoop().schedule(() -> {
      if (conn.phase() == PeerConnection.Phase.HANDSHAKING || conn.phase() == PeerConnection.Phase.AUTHENTICATED) {
        recordAuth(conn.direction() == PeerConnection.Direction.OUTBOUND ? HandshakeRole.CLIENT : HandshakeRole.SERVER,
            "fail", AuthFailureReason.TIMEOUT.metricTag(), nanoTime() - conn.createdNanos());
        log.warn("handshake with {} at {} did not finish within {}; closing",
            conn.peer() != null ? conn.peer() : conn.expectedPeer(), conn.remoteAddress(), authConfig.handshakeTimeout());
        conn.failEstablished(new AuthenticationException(new AuthFailure(AuthFailureReason.TIMEOUT,
            "handshake did not finish within " + authConfig.handshakeTimeout())));
        conn.close(CloseReason.AUTH_FAILED);
      }
    }, limit, TimeUnit.NANOSECONDS));
  }

  void authenticated(PeerConnection conn, AuthExchange exchange, NodeName peer, byte[] key, TrustVerdict verdict,
      long peerIncarnation) {
    if (conn.phase() != PeerConnection.Phase.HANDSHAKING) {
      return; // closed meanwhile
    }
    // Take the name at once, on the event loop: the dialer uses the connection as soon as it has
    // verified the server, and its streams must not wait for a pin write on the I/O executor.
    conn.authenticated(peer, key, peerIncarnation);
    if (conn.direction() == PeerConnection.Direction.INBOUND) {
      unfinishedInbound.decrementAndGet();
    }
    if (conn.direction() == PeerConnection.Direction.OUTBOUND) {
      conn.openControlStream(config.maxControlFrameBytes());
    } else {
      inboundStreams.releaseHeld(conn); // what the dialer sent while its RESPONSE was being verified
    }
    if (verdict == TrustVerdict.EXEMPT) {
      return; // exempt peers are admitted by the cluster secret and never pinned
    }
    try {
      ioExecutor.execute(() -> recordPin(conn, peer, key));
    } catch (RejectedExecutionException busy) {
      // A key this node cannot pin would be trusted on first use again next time: refuse the
      // connection rather than silently weaken the trust policy.
      recordAuth(exchange.role(), "fail", AuthFailureReason.INTERNAL.metricTag(), nanoTime() - exchange.startedNanos());
      exchange.countedAsFailed();
      log.warn("closing the connection to {}: its key could not be pinned (the I/O executor refused the write)", peer);
      conn.failEstablished(new AuthenticationException(new AuthFailure(AuthFailureReason.INTERNAL,
          "the key of " + peer + " could not be pinned: the I/O executor refused the write")));
      conn.close(CloseReason.AUTH_FAILED);
    }
  }

  private void recordPin(PeerConnection conn, NodeName peer, byte[] key) {
    TrustVerdict recorded = trustStore.recordSuccess(peer, key);
    if (recorded == TrustVerdict.FIRST_USE) {
      log.info("pinned the key of {} on first use ({})", peer, io.barrel.p2p.identity.Fingerprint.of(key));
    } else if (!recorded.accepted()) {
      // Another connection pinned a different key for this name between check and record.
      String why = trustStore.explain(peer, key, recorded);
      conn.channel().eventLoop().execute(() -> {
        countProtocolError("pin_race");
        log.warn("closing the connection to {}: {}", peer, why);
        conn.failEstablished(new AuthenticationException(new AuthFailure(AuthFailureReason.KEY_MISMATCH, why)));
        conn.close(CloseReason.AUTH_FAILED);
      });
    }
  }

  /** Both sides accepted: the one success this handshake counts. */
  void authCompleted(AuthExchange exchange) {
    if (exchange.failureCounted()) {
      return; // closed once authenticated (its key could not be pinned): counted as a failure there
    }
    recordAuth(exchange.role(), "ok", "ok", nanoTime() - exchange.startedNanos());
  }

  void authFailed(PeerConnection conn, AuthExchange exchange, AuthFailure failure) {
    recordAuth(exchange.role(), "fail", failure.reason().metricTag(), nanoTime() - exchange.startedNanos());
    NodeName who = conn.peer() != null ? conn.peer() : conn.expectedPeer();
    log.warn("authentication {} {} at {} failed: {}", exchange.role() == HandshakeRole.CLIENT ? "of" : "from",
        who != null ? who : "unknown peer", conn.remoteAddress(), failure.message());
    conn.failEstablished(new AuthenticationException(failure));
    conn.close(CloseReason.AUTH_FAILED);
  }

  private void recordAuth(HandshakeRole role, String outcome, String reason, long nanos) {
    String r = role == HandshakeRole.CLIENT ? "client" : "server";
    metrics.increment(MeterName.AUTH_ATTEMPTS, r, outcome, reason);
    metrics.record(MeterName.AUTH_DURATION, Duration.ofNanos(nanos), r, outcome);
  }

  /** Where the streams a peer opens are routed. */
  InboundStreams inboundStreams() {
    return inboundStreams;
  }

  void streamOpened(StreamHeader header, String direction) {
    metrics.increment(MeterName.STREAMS_OPENED, header instanceof StreamHeader.App ? "app" : "data", direction);
  }

  void connectionEstablished(PeerConnection conn) {
    NodeName peer = conn.peer();
    CompletableFuture<PeerConnection> waiting;
    PeerConnection winner;
    PeerConnection loser = null;
    boolean newPeer;
    boolean peerRestarted = false;
    CloseReason restartReason = null;
    synchronized (table) {
      PeerConnection existing = table.get(peer);
      newPeer = existing == null;
      // A connection already closing never wins: it is about to go whatever the tie-break says.
      if (existing == null || existing == conn || existing.isClosing()
          || DuplicateRule.candidateWins(localName(), peer, existing.dialer(), conn.dialer(),
              existing.peerIncarnation(), conn.peerIncarnation())) {
        table.put(peer, conn);
        winner = conn;
        loser = existing == conn ? null : existing;
        peerRestarted = loser != null && loser.peerIncarnation() < conn.peerIncarnation();
        // Already closing (idle, lost, asked to): its own reason stands; it was still the peer's.
        restartReason = peerRestarted && loser.isClosing() ? loser.closeReason() : CloseReason.SUPERSEDED;
      } else {
        winner = existing;
        loser = conn;
      }
      // The attempt this connection answers. Read after the table is written: a caller registers
      // its attempt, then looks at the table, so either it sees this connection there or its
      // attempt is seen here. And read before the connection is handed out below: a caller woken by
      // it may disconnect it and start a new attempt at once, and that attempt must not be
      // completed with the connection it has just closed.
      waiting = dialer.attemptFor(peer);
    }
    metrics.increment(MeterName.CONNECTIONS_OPENED,
        conn.direction() == PeerConnection.Direction.OUTBOUND ? "outbound" : "inbound");
    if (peerRestarted) {
      // The peer crashed and came back before this node noticed: its old life is gone, which the
      // layers above hear as that connection closing, then the new life connecting.
      log.info("{} restarted: replacing the connection to its previous life", peer);
      loser.close(CloseReason.SUPERSEDED);
      for (ConnectionListener l : connectionListeners) {
        try {
          l.peerDisconnected(peer, restartReason);
        } catch (RuntimeException e) {
          log.warn("connection listener {} threw on {} disconnecting", l, peer, e);
        }
      }
      // A listener may have closed the new connection in turn: then it never connected.
      newPeer = table.get(peer) == conn && conn.isUsable();
    } else if (loser == conn && DuplicateRule.earlierLifeStillRunning(winner.peerIncarnation(), conn.peerIncarnation())) {
      refuseEarlierLife(conn, winner);
    } else if (loser != null) {
      log.debug("duplicate connection to {}: keeping the one dialed by {}", peer, winner.dialer());
      loser.close(CloseReason.DUPLICATE);
    }
    conn.markEstablishedFuture(winner);
    if (waiting != null && winner.isUsable()) {
      waiting.complete(winner);
    }
    if (newPeer) {
      for (ConnectionListener l : connectionListeners) {
        // A listener is user code: one that throws must not skip the others, nor the rest of the
        // connection's set-up that runs after this (its early streams, its first frames).
        try {
          l.peerConnected(peer);
        } catch (RuntimeException e) {
          log.warn("connection listener {} threw on {} connecting", l, peer, e);
        }
      }
    }
  }

  /**
   * The usable connection this node itself dialed to {@code conn}'s peer, when {@code conn} (an
   * outbound connection about to open its control stream) would be a second one; null otherwise.
   * Between two connections of the same dialer the newer wins (see {@link DuplicateRule}), which is
   * right for a redial while the old connection is dying but would close a healthy connection that
   * callers already use when the newer one is a dial nobody needs any more (an attempt answered by
   * another connection or given up, whose dial went on). Only the dialer can tell the two apart, so
   * it decides here, before the peer sees the connection established (event loop only: the check
   * and the admission in {@link #connectionEstablished} do not interleave).
   */
  PeerConnection supersededBy(PeerConnection conn) {
    PeerConnection existing = table.get(conn.peer());
    // A dial that reached a newer life of the peer than the connection in use is no redundant
    // one: the connection in use leads to a process that is gone.
    if (existing != null && existing != conn && existing.direction() == PeerConnection.Direction.OUTBOUND
        && existing.isUsable() && existing.peerIncarnation() >= conn.peerIncarnation()) {
      return existing;
    }
    return null;
  }

  /** Drops an outbound connection {@link #supersededBy} found redundant; its waiters get {@code kept}. */
  void redundantDial(PeerConnection conn, PeerConnection kept) {
    conn.markEstablishedFuture(kept);
    if (DuplicateRule.earlierLifeStillRunning(kept.peerIncarnation(), conn.peerIncarnation())) {
      refuseEarlierLife(conn, kept); // this dial reached another process with the peer's identity
      return;
    }
    log.debug("dropping a redundant connection to {}: keeping the established one this node dialed", conn.peer());
    conn.close(CloseReason.DUPLICATE);
  }

  /**
   * Closes {@code conn}, which reached an earlier life of its peer than {@code later}, the
   * connection in use (see {@link DuplicateRule#earlierLifeStillRunning}), with its own code.
   */
  private void refuseEarlierLife(PeerConnection conn, PeerConnection later) {
    earlierLivesRefused.warn(log, "{} connected in life {} while its later life {} is connected: two processes appear "
        + "to share the identity of {} (a copied data directory or machine image); refusing the earlier one",
        conn.peer(), conn.peerIncarnation(), later.peerIncarnation(), conn.peer());
    conn.close(CloseReason.IDENTITY_IN_USE);
  }

  void connectionClosed(PeerConnection conn, CloseReason peerReason) {
    if (conn == null) {
      return;
    }
    if (conn.direction() == PeerConnection.Direction.INBOUND && conn.phase() == PeerConnection.Phase.HANDSHAKING) {
      unfinishedInbound.decrementAndGet(); // it never authenticated
    }
    conn.closed(peerReason);
    all.remove(conn);
    NodeName peer = conn.peer();
    if (peerReason == CloseReason.IDENTITY_IN_USE && conn.closeReason() == CloseReason.IDENTITY_IN_USE) {
      refusedAsEarlierLife.error(log, "{} refused this node: another process with this node's identity ({}), started "
          + "later, is connected to it. Either a data directory or machine image was copied (one of the two must get "
          + "a data directory of its own) or this node's life record (keys/incarnation) was restored from an older "
          + "backup (this node is then refused until that peer's connection to the later life times out)",
          peer, localName());
    }
    metrics.increment(MeterName.CONNECTIONS_CLOSED, conn.closeReason().tag());
    if (peer != null && table.remove(peer, conn)) {
      log.debug("connection to {} closed ({})", peer, conn.closeReason().tag());
      for (ConnectionListener l : connectionListeners) {
        try {
          l.peerDisconnected(peer, conn.closeReason());
        } catch (RuntimeException e) {
          log.warn("connection listener {} threw on {} disconnecting", l, peer, e);
        }
      }
    }
  }

  void connectionError(PeerConnection conn, Throwable cause) {
    log.debug("QUIC connection error on {}: {}", conn, cause.toString());
  }

  void controlFrameReceived(PeerConnection conn, ControlFrame frame) {
    if (frame.channel() == ControlFrame.KEEP_ALIVE) {
      return; // keeps QUIC's idle timer alive; not activity for the reaper
    }
    conn.touch();
    metrics.increment(MeterName.CONTROL_FRAMES, "in");
    ControlListener listener = controlListeners.get(frame.channel());
    if (listener == null) {
      log.debug("control frame on channel {} from {} has no listener; dropped", frame.channel(), conn.peer());
      return;
    }
    try {
      listener.onControl(conn.peer(), frame.payload());
    } catch (RuntimeException e) {
      log.warn("control listener for channel {} threw on a frame from {}", frame.channel(), conn.peer(), e);
    }
  }

  void protocolFailure(PeerConnection conn, String what, String detail) {
    countProtocolError(what);
    log.warn("protocol error from {} at {} ({}): {}; closing the connection",
        conn.peer() != null ? conn.peer() : "unauthenticated peer", conn.remoteAddress(), what, detail);
    conn.failEstablished(new TransportException("protocol error (" + what + "): " + detail));
    conn.close(CloseReason.PROTOCOL_ERROR);
  }

  void countProtocolError(String what) {
    metrics.increment(MeterName.PROTOCOL_ERRORS, what);
  }

  // ---------------------------------------------------------------- timers

  private void keepAlive() {
    long now = nanoTime();
    long interval = config.keepAliveInterval().toNanos();
    for (PeerConnection c : table.values()) {
      if (c.phase() == PeerConnection.Phase.ESTABLISHED && now - c.lastSentNanos() >= interval) {
        c.sendControl(new ControlFrame(ControlFrame.KEEP_ALIVE, new byte[0]));
      }
    }
  }

  private List<NodeName> reapIdle() {
    long now = nanoTime();
    List<NodeName> reaped = new ArrayList<>();
    Predicate<NodeName> view = activeView;
    for (PeerConnection c : table.values()) {
      if (c.phase() != PeerConnection.Phase.ESTABLISHED) {
        continue;
      }
      boolean inView;
      try {
        inView = view.test(c.peer());
      } catch (RuntimeException e) {
        inView = true; // when in doubt, keep the connection
      }
      if (idlePolicy.shouldReap(inView, c.openStreams(), now - c.lastActivityNanos())) {
        reaped.add(c.peer());
        metrics.increment(MeterName.IDLE_REAPED);
        log.debug("reaping idle connection to {}", c.peer());
        c.close(CloseReason.IDLE);
      }
    }
    return reaped;
  }

  private static QuicSslContext serverContext(TlsMaterial tls) {
    return QuicSslContextBuilder.forServer(tls.privateKey(), null, tls.certificate())
        .applicationProtocols(QuicEndpoint.ALPN)
        .build();
  }
}
