package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.transport.CloseReason;
import io.barrel.p2p.transport.ConnectionListener;
import io.barrel.p2p.transport.ConnectionLostException;
import io.barrel.p2p.transport.Transport;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HyParView driver of one node: feeds the pure {@link HyParView} with control frames, connection
 * events and timers on the node's {@link ProtocolLoop}, and carries its effects out over the
 * {@link Transport}. Membership messages ride control channel {@value #CONTROL_CHANNEL}.
 *
 * <p>It also answers the transport's idle reaper: a connection to an active peer is never reaped.
 */
public final class Membership implements AutoCloseable {

  /** The control channel HyParView messages travel on. */
  public static final int CONTROL_CHANNEL = 1;

  private static final Logger log = LoggerFactory.getLogger(Membership.class);

  private final Transport transport;
  private final ProtocolLoop loop;
  private final Metrics metrics;
  private final Executor applicationExecutor;
  private final HyParView hyParView;
  private final List<Consumer<MembershipEvent>> loopListeners = new CopyOnWriteArrayList<>();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  /** Former neighbours a leave waits for: each closes its connection once it read our DISCONNECT. */
  private final Set<NodeName> leaving = new HashSet<>();
  private CompletableFuture<Void> leaveDone;
  private volatile Set<NodeName> active = Set.of();
  private volatile Set<NodeName> passive = Set.of();
  private volatile boolean closed;

  /**
   * @param applicationExecutor where {@link #subscribe subscribers} are called (never the loop)
   */
  public Membership(Transport transport, MembershipConfig config, ProtocolLoop loop, Metrics metrics,
      Executor applicationExecutor, RandomGenerator random) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.applicationExecutor = Objects.requireNonNull(applicationExecutor, "applicationExecutor");
    this.hyParView = new HyParView(transport.localName(), config, random);
  }

  /**
   * Wires the driver into the transport and joins through {@code contacts} (empty: the first node of
   * a cluster, which others join). Contacts are resolved through discovery and retried with backoff
   * for as long as the active view is empty.
   */
  public void start(Collection<NodeName> contacts) {
    List<NodeName> initial = List.copyOf(contacts);
    transport.onControl(CONTROL_CHANNEL, (from, payload) -> loop.execute(() -> onFrame(from, payload)));
    transport.addConnectionListener(new ConnectionListener() {
      @Override
      public void peerConnected(NodeName peer) {
        loop.execute(() -> apply(hyParView.onConnected(peer, loop.nowMillis())));
      }

      @Override
      public void peerDisconnected(NodeName peer, CloseReason reason) {
        loop.execute(() -> connectionClosed(peer));
      }
    });
    transport.activeView(peer -> active.contains(peer));
    metrics.gauge(MeterName.MEMBERSHIP_VIEW_SIZE, () -> active.size(), "active");
    metrics.gauge(MeterName.MEMBERSHIP_VIEW_SIZE, () -> passive.size(), "passive");
    loop.execute(() -> apply(hyParView.join(initial, loop.nowMillis())));
  }

  /** Adds contacts to try (an operator's join); harmless when the node is already connected. */
  public CompletableFuture<Void> join(Collection<NodeName> contacts) {
    List<NodeName> more = List.copyOf(contacts);
    return loop.call(() -> {
      apply(hyParView.join(more, loop.nowMillis()));
      return null;
    });
  }

  /**
   * Leaves the cluster gracefully: DISCONNECT to every neighbour, which then report this node down
   * as {@link DownReason#GRACEFUL} instead of failed. Completes once every former neighbour has read
   * it (a neighbour closes its connection after reading it) or {@code timeout} has passed.
   */
  public CompletableFuture<Void> leave(Duration timeout) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> {
      if (leaveDone != null) {
        leaveDone.whenComplete((v, e) -> done.complete(null));
        return;
      }
      leaveDone = done;
      Set<NodeName> neighbours = Set.copyOf(active);
      leaving.addAll(neighbours);
      apply(hyParView.leave(loop.nowMillis()));
      leaving.removeIf(peer -> !transport.connectedPeers().contains(peer));
      if (leaving.isEmpty()) {
        done.complete(null);
      } else {
        loop.schedule(() -> done.complete(null), timeout);
      }
    });
    return done;
  }

  /** The active view as of the last protocol step (safe from any thread). */
  public Set<NodeName> activeView() {
    return active;
  }

  /** The passive view as of the last protocol step (safe from any thread). */
  public Set<NodeName> passiveView() {
    return passive;
  }

  /** This node's name. */
  public NodeName self() {
    return hyParView.self();
  }

  /**
   * Calls {@code listener} on the protocol loop for every event, in order, before anything else
   * happens on the loop: for the layers above (broadcast, registry). It must not block.
   */
  public void addLoopListener(Consumer<MembershipEvent> listener) {
    loopListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Calls {@code listener} for every membership event, one at a time and in order, on the
   * application executor. Close the returned handle to stop.
   */
  public AutoCloseable subscribe(Consumer<MembershipEvent> listener) {
    Subscriber subscriber = new Subscriber(Objects.requireNonNull(listener, "listener"),
        new SerialDelivery(applicationExecutor));
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  /** Stops feeding the core; the transport's listeners become no-ops. */
  @Override
  public void close() {
    closed = true;
  }

  // ------------------------------------------------------------------ inputs (on the loop)

  private void onFrame(NodeName from, byte[] payload) {
    if (closed) {
      return;
    }
    MembershipMessage message;
    try {
      message = MembershipCodec.decode(payload);
    } catch (MembershipDecodeException e) {
      // A peer that sends garbage on the membership channel is broken or hostile: hang up on it.
      metrics.increment(MeterName.PROTOCOL_ERRORS, "membership");
      log.warn("malformed membership message from {} ({}); closing the connection", from, e.getMessage());
      transport.disconnect(from);
      return;
    }
    metrics.increment(MeterName.MEMBERSHIP_MESSAGES, typeOf(message), "in");
    apply(hyParView.onMessage(from, message, loop.nowMillis()));
    if (message instanceof MembershipMessage.Disconnect d && !d.alive()) {
      // The sender left for good; closing the connection is also its acknowledgement (see leave).
      transport.disconnect(from);
    }
  }

  private void connectionClosed(NodeName peer) {
    if (closed) {
      return;
    }
    if (leaving.remove(peer) && leaving.isEmpty() && leaveDone != null) {
      leaveDone.complete(null);
    }
    apply(hyParView.onConnectionClosed(peer, loop.nowMillis()));
  }

  // ------------------------------------------------------------------ effects (on the loop)

  private void apply(List<MembershipEffect> effects) {
    for (MembershipEffect effect : effects) {
      if (effect instanceof MembershipEffect.Send send) {
        send(send.peer(), send.message());
      } else if (effect instanceof MembershipEffect.Connect connect) {
        NodeName peer = connect.peer();
        transport.connect(peer).whenComplete((v, error) -> loop.execute(() -> {
          if (closed) {
            return;
          }
          long now = loop.nowMillis();
          apply(error == null ? hyParView.onConnected(peer, now) : hyParView.onConnectFailed(peer, now));
        }));
      } else if (effect instanceof MembershipEffect.Disconnect disconnect) {
        transport.disconnect(disconnect.peer());
      } else if (effect instanceof MembershipEffect.Schedule schedule) {
        MembershipTimer timer = schedule.timer();
        loop.schedule(() -> {
          if (!closed) {
            apply(hyParView.onTimer(timer, loop.nowMillis()));
          }
        }, schedule.delay());
      } else if (effect instanceof MembershipEffect.Emit emit) {
        emit(emit.event());
      } else {
        throw new AssertionError("unhandled membership effect " + effect);
      }
    }
    active = hyParView.activeView();
    passive = hyParView.passiveView();
  }

  private void send(NodeName peer, MembershipMessage message) {
    metrics.increment(MeterName.MEMBERSHIP_MESSAGES, typeOf(message), "out");
    transport.sendControl(peer, CONTROL_CHANNEL, MembershipCodec.encode(message)).whenComplete((v, error) -> {
      if (error == null) {
        return;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      // A lost connection is reported by the connection listener; report only failures to reach
      // the peer at all, so one failure is not counted twice.
      if (!(cause instanceof ConnectionLostException)) {
        loop.execute(() -> {
          if (!closed) {
            log.debug("could not send {} to {}: {}", message, peer, cause.toString());
            apply(hyParView.onConnectFailed(peer, loop.nowMillis()));
          }
        });
      }
    });
  }

  private void emit(MembershipEvent event) {
    if (event instanceof MembershipEvent.PeerDown down) {
      metrics.increment(MeterName.MEMBERSHIP_PEER_EVENTS, "down", down.reason().name().toLowerCase(Locale.ROOT));
      log.info("{}: peer {} down ({})", hyParView.self(), down.peer(), down.reason());
    } else {
      metrics.increment(MeterName.MEMBERSHIP_PEER_EVENTS, "up", "none");
      log.info("{}: peer {} up", hyParView.self(), event.peer());
    }
    for (Consumer<MembershipEvent> listener : loopListeners) {
      // A layer above (broadcast, registry) that fails on an event must not cost this turn the rest
      // of HyParView's effects, nor leave the view snapshots behind the core.
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.error("{}: a membership listener failed on {}; membership goes on", hyParView.self(), event, e);
      }
    }
    for (Subscriber s : subscribers) {
      s.delivery().execute(() -> s.listener().accept(event));
    }
  }

  /** The metric tag of a message type: join, forward_join, neighbor, neighbor_reply, ... */
  static String typeOf(MembershipMessage message) {
    String simple = message.getClass().getSimpleName();
    StringBuilder b = new StringBuilder(simple.length() + 4);
    for (int i = 0; i < simple.length(); i++) {
      char c = simple.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        b.append('_');
      }
      b.append(Character.toLowerCase(c));
    }
    return b.toString();
  }

  private record Subscriber(Consumer<MembershipEvent> listener, SerialDelivery delivery) {}
}
