package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Gets callers the connection to a peer: the one in the connection table, or else one attempt they
 * all share, which finds the peer's address (from discovery's memory on the caller's thread, or by
 * a lookup on the I/O executor), dials it and ends with whichever connection to the peer is
 * admitted first, its own or one the peer dialed. Every attempt ends, at the latest when the
 * connect and handshake timeouts have passed.
 */
final class Dialer {

  private final Transport transport;
  private final Map<NodeName, PeerConnection> table;
  private final AddressResolver resolver;
  private final Executor ioExecutor;
  private final Metrics metrics;
  private final long attemptLimitNanos;
  /** The attempt under way per peer; shared by its callers, removed when it ends. */
  private final Map<NodeName, CompletableFuture<PeerConnection>> attempts = new ConcurrentHashMap<>();

  /**
   * @param table the transport's admitted connections, read here and written by the transport
   * @param attemptLimit how long an attempt may take: the connect and handshake timeouts together
   */
  Dialer(Transport transport, Map<NodeName, PeerConnection> table, AddressResolver resolver, Executor ioExecutor,
      Metrics metrics, Duration attemptLimit) {
    this.transport = transport;
    this.table = table;
    this.resolver = resolver;
    this.ioExecutor = ioExecutor;
    this.metrics = metrics;
    this.attemptLimitNanos = attemptLimit.toNanos();
  }

  /**
   * The connection to {@code peer}; without one, dials {@code address} or, when null, whatever the
   * resolver says. Concurrent callers share one attempt.
   */
  CompletableFuture<PeerConnection> connection(NodeName peer, InetSocketAddress address) {
    if (transport.isClosed()) {
      return CompletableFuture.failedFuture(new TransportException("transport is closed"));
    }
    if (peer.equals(transport.localName())) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("a node does not connect to itself"));
    }
    PeerConnection existing = table.get(peer);
    if (existing != null && existing.isUsable()) {
      return CompletableFuture.completedFuture(existing);
    }
    CompletableFuture<PeerConnection> created = new CompletableFuture<>();
    while (true) {
      CompletableFuture<PeerConnection> shared = attempts.putIfAbsent(peer, created);
      if (shared == null) {
        break;
      }
      if (!shared.isDone()) {
        return shared; // concurrent callers share one attempt
      }
      // A finished attempt whose cleanup has not run yet: a retry must not get its old result.
      attempts.remove(peer, shared);
    }
    // Looked up again now that this attempt is the registered one. A connection is admitted to the
    // table before its attempt completes and leaves the registry, so a caller that looked above just
    // before an admission and registered just after its attempt ended finds it here; dialing would
    // open a second connection to a peer this node is already connected to.
    PeerConnection admitted = table.get(peer);
    if (admitted != null && admitted.isUsable()) {
      attempts.remove(peer, created);
      created.complete(admitted);
      return created;
    }
    // Transport.close() sets the flag, then fails the attempts registered; one registered after that look
    // would be failed by nobody (the event loop that would run its deadline is going), so it looks
    // again itself.
    if (transport.isClosed()) {
      return withdrawn(peer, created);
    }
    ScheduledFuture<?> deadline;
    try {
      deadline = transport.endpoint().eventLoop().schedule(() -> created.completeExceptionally(
          new PeerUnreachableException(peer, "could not connect to " + peer + " within "
              + Duration.ofNanos(attemptLimitNanos), null)),
          attemptLimitNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      return withdrawn(peer, created);
    }
    created.whenComplete((c, e) -> {
      attempts.remove(peer, created);
      deadline.cancel(false); // a finished attempt must not stay reachable until its deadline
    });
    InetSocketAddress known = address != null ? address : addressFromMemory(peer);
    if (known != null) {
      dialAddress(peer, known, created);
    } else {
      try {
        ioExecutor.execute(() -> dial(peer, created));
      } catch (RejectedExecutionException busy) {
        // The attempt is shared and its callers (a control queue among them) wait on it: it must
        // end, not leave them waiting behind an exception thrown to whoever happened to start it.
        metrics.increment(MeterName.DIALS, "fail");
        created.completeExceptionally(new PeerUnreachableException(peer, "cannot resolve " + peer
            + ": the I/O executor refused the lookup (" + (transport.isClosed() ? "the node is stopping" : "it is full")
            + ")", busy));
      }
    }
    return created;
  }

  /**
   * The attempt waiting for a connection to {@code peer}, or null. The transport reads it after it
   * admits a connection to the table: a caller registers its attempt, then looks at the table, so
   * either that caller sees the connection or its attempt is seen here.
   */
  CompletableFuture<PeerConnection> attemptFor(NodeName peer) {
    return attempts.get(peer);
  }

  /** Fails every attempt under way: the transport is closing. */
  void failAttempts() {
    attempts.values().forEach(f -> f.completeExceptionally(new TransportException("transport is closed")));
  }

  /** Takes back an attempt registered while the transport closed, failing it for its callers. */
  private CompletableFuture<PeerConnection> withdrawn(NodeName peer, CompletableFuture<PeerConnection> attempt) {
    attempts.remove(peer, attempt);
    attempt.completeExceptionally(new TransportException("transport is closed"));
    return attempt;
  }

  /**
   * The peer's address if discovery has it in memory, counted as a hit; null when finding it might
   * block, and {@link #dial} then looks it up on the I/O executor.
   */
  private InetSocketAddress addressFromMemory(NodeName peer) {
    Optional<InetSocketAddress> found;
    try {
      found = resolver.resolveFromMemory(peer);
    } catch (RuntimeException e) {
      return null; // the full lookup asks again and reports the failure
    }
    if (found == null || found.isEmpty() || found.get().isUnresolved()) {
      return null;
    }
    metrics.increment(MeterName.DISCOVERY_LOOKUPS, "hit");
    return found.get();
  }

  private void dial(NodeName peer, CompletableFuture<PeerConnection> result) {
    Optional<InetSocketAddress> address;
    try {
      address = resolver.resolve(peer);
    } catch (RuntimeException e) {
      metrics.increment(MeterName.DISCOVERY_LOOKUPS, "error");
      metrics.increment(MeterName.DIALS, "fail");
      result.completeExceptionally(new PeerUnreachableException(peer, "resolving " + peer + " failed: " + e, e));
      return;
    }
    metrics.increment(MeterName.DISCOVERY_LOOKUPS, address.isPresent() ? "hit" : "miss");
    if (address.isEmpty()) {
      metrics.increment(MeterName.DIALS, "fail");
      result.completeExceptionally(new PeerUnreachableException(peer,
          "no address known for " + peer + "; add it to static discovery, the discovery directory or DNS", null));
      return;
    }
    dialAddress(peer, address.get(), result);
  }

  private void dialAddress(NodeName peer, InetSocketAddress address, CompletableFuture<PeerConnection> result) {
    ConnectionHandler handler = new ConnectionHandler(transport, PeerConnection.Direction.OUTBOUND, peer);
    try {
      transport.endpoint().eventLoop().execute(() -> dialOnLoop(peer, address, handler, result));
    } catch (RejectedExecutionException stopping) {
      result.completeExceptionally(new TransportException("transport is closed"));
    }
  }

  private void dialOnLoop(NodeName peer, InetSocketAddress address, ConnectionHandler handler,
      CompletableFuture<PeerConnection> result) {
    if (result.isDone()) {
      // Answered before the dial left (a connection the peer dialed was admitted meanwhile, the
      // deadline, close): a dial now would only open a second connection, closed as a duplicate.
      return;
    }
    transport.endpoint().dial(address, handler).addListener(f -> {
      if (!f.isSuccess()) {
        metrics.increment(MeterName.DIALS, "fail");
        result.completeExceptionally(new PeerUnreachableException(peer,
            "QUIC connection to " + peer + " at " + address + " failed: " + f.cause(), f.cause()));
        return;
      }
      PeerConnection conn = handler.connection();
      conn.established().whenComplete((winner, error) -> {
        if (winner != null) {
          metrics.increment(MeterName.DIALS, "ok");
          result.complete(winner);
        } else if (error instanceof ConnectionLostException lost && lost.reason() == CloseReason.DUPLICATE) {
          // The peer kept the connection it dialed. If it is already admitted, use it; otherwise
          // the transport completes this attempt when it is (or the deadline fails it).
          PeerConnection current = table.get(peer);
          if (current != null && current.isUsable()) {
            result.complete(current);
          }
        } else {
          metrics.increment(MeterName.DIALS, "fail");
          result.completeExceptionally(error);
        }
      });
      transport.startClientHandshake(conn);
    });
  }
}
