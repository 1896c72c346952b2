package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.membership.Membership;
import io.barrel.p2p.membership.MembershipEvent;
import io.barrel.p2p.membership.ProtocolLoop;
import io.barrel.p2p.membership.SerialDelivery;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.transport.Transport;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Plumtree driver of one node: broadcasts over the membership's active view, on control channel
 * {@value #CONTROL_CHANNEL}, with all protocol state on the node's {@link ProtocolLoop}. Eager and
 * lazy peers follow membership events; subscribers get each broadcast of their topic once.
 *
 * <p>A node does not deliver its own broadcasts to itself.
 */
public final class Broadcaster implements AutoCloseable {

  /** The control channel Plumtree messages travel on. */
  public static final int CONTROL_CHANNEL = 2;

  private static final Logger log = LoggerFactory.getLogger(Broadcaster.class);

  private final Transport transport;
  private final ProtocolLoop loop;
  private final Metrics metrics;
  private final Executor applicationExecutor;
  private final PlumtreeConfig config;
  private final BroadcastCodec codec;
  private final Plumtree plumtree;
  private final TopicSubscriptions subscriptions = new TopicSubscriptions();
  private volatile boolean closed;

  /**
   * @param random source of message ids: a {@code SecureRandom} in production, so a peer cannot
   *     predict ids and pre-empt broadcasts
   * @param applicationExecutor where subscribers are called, unless they name their own executor
   */
  public Broadcaster(Transport transport, Membership membership, PlumtreeConfig config, ProtocolLoop loop,
      Metrics metrics, Executor applicationExecutor, RandomGenerator random) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.applicationExecutor = Objects.requireNonNull(applicationExecutor, "applicationExecutor");
    this.config = Objects.requireNonNull(config, "config");
    this.codec = BroadcastCodec.of(config);
    this.plumtree = new Plumtree(transport.localName(), List.of(), config, random);
    membership.addLoopListener(this::onMembership);
  }

  /** Starts taking Plumtree frames from the transport. */
  public void start() {
    transport.onControl(CONTROL_CHANNEL, (from, payload) -> loop.execute(() -> onFrame(from, payload)));
  }

  /**
   * Broadcasts {@code payload} to every other node's subscribers of {@code topic}.
   *
   * @return the message's id once it has been handed to the neighbours; fails with an
   *     {@link IllegalArgumentException} when the payload exceeds max-payload-bytes
   */
  public CompletableFuture<MessageId> broadcast(Topic topic, byte[] payload) {
    Objects.requireNonNull(topic, "topic");
    byte[] copy = Objects.requireNonNull(payload, "payload").clone();
    if (copy.length > config.maxPayloadBytes()) {
      return CompletableFuture.failedFuture(tooLarge(copy));
    }
    return loop.call(() -> start(topic, copy));
  }

  /**
   * Broadcasts from a task already running in the protocol loop's turn (the layers above Plumtree
   * apply their effects there): the broadcast is made before this returns, with no second task
   * queued behind the current one. The payload is kept as given, so the caller must not change it.
   *
   * @throws IllegalStateException when not called from the protocol loop
   * @throws IllegalArgumentException when the payload exceeds the configured maximum
   */
  public MessageId broadcastOnLoop(Topic topic, byte[] payload) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    if (!loop.inLoop()) {
      throw new IllegalStateException("broadcastOnLoop called outside the protocol loop");
    }
    if (payload.length > config.maxPayloadBytes()) {
      throw tooLarge(payload);
    }
    return start(topic, payload);
  }

  /** Starts a broadcast of a checked payload; on the protocol loop. */
  private MessageId start(Topic topic, byte[] payload) {
    MessageId id = plumtree.newMessageId();
    apply(plumtree.broadcast(id, topic, payload, loop.nowNanos()));
    return id;
  }

  private IllegalArgumentException tooLarge(byte[] payload) {
    return new IllegalArgumentException("broadcast payload of " + payload.length
        + " bytes exceeds barrel.p2p.broadcast.max-payload-bytes (" + config.maxPayloadBytes() + ")");
  }

  /**
   * Calls {@code listener} for each broadcast of {@code topic} from another node, one at a time and
   * in arrival order, on the application executor.
   */
  public TopicSubscriptions.Subscription subscribe(Topic topic, BroadcastListener listener) {
    return subscribe(topic, listener, new SerialDelivery(applicationExecutor));
  }

  /**
   * Calls {@code listener} on {@code executor}. Layers that keep their state on the protocol loop
   * pass the loop itself, so deliveries are ordered with their other inputs.
   */
  public TopicSubscriptions.Subscription subscribe(Topic topic, BroadcastListener listener, Executor executor) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(executor, "executor");
    return subscriptions.subscribe(topic, delivery -> executor.execute(() -> listener.onBroadcast(delivery)));
  }

  /** Eager and lazy peers and counters, read on the loop. */
  public CompletableFuture<PlumtreeStats> stats() {
    return loop.call(plumtree::stats);
  }

  /** Stops feeding the core. */
  @Override
  public void close() {
    closed = true;
  }

  // ------------------------------------------------------------------ inputs (on the loop)

  private void onMembership(MembershipEvent event) {
    if (closed) {
      return;
    }
    long now = loop.nowNanos();
    if (event instanceof MembershipEvent.PeerUp) {
      apply(plumtree.neighbourUp(event.peer(), now));
    } else {
      apply(plumtree.neighbourDown(event.peer(), now));
    }
  }

  private void onFrame(NodeName from, byte[] payload) {
    if (closed) {
      return;
    }
    BroadcastMessage message;
    try {
      message = codec.decode(payload);
    } catch (BroadcastDecodeException e) {
      metrics.increment(MeterName.PROTOCOL_ERRORS, "broadcast");
      log.warn("malformed broadcast message from {} ({}); closing the connection", from, e.getMessage());
      transport.disconnect(from);
      return;
    }
    metrics.increment(MeterName.BROADCAST_MESSAGES, typeOf(message), "in");
    if (message instanceof BroadcastMessage.Gossip gossip) {
      metrics.add(MeterName.BROADCAST_PAYLOAD_BYTES, gossip.payloadLength(), "in");
    }
    apply(plumtree.onMessage(from, message, loop.nowNanos()));
  }

  // ------------------------------------------------------------------ effects (on the loop)

  private void apply(List<PlumtreeEffect> effects) {
    for (PlumtreeEffect effect : effects) {
      if (effect instanceof PlumtreeEffect.Send send) {
        send(send.peer(), send.message());
      } else if (effect instanceof PlumtreeEffect.Schedule schedule) {
        PlumtreeTimer timer = schedule.timer();
        loop.schedule(() -> {
          if (!closed) {
            apply(plumtree.onTimer(timer, loop.nowNanos()));
          }
        }, schedule.delay());
      } else if (effect instanceof PlumtreeEffect.Deliver deliver) {
        metrics.increment(MeterName.BROADCAST_DELIVERED);
        for (BroadcastListener listener : subscriptions.listenersOf(deliver.topic())) {
          listener.onBroadcast(deliver);
        }
      } else {
        throw new AssertionError("unhandled broadcast effect " + effect);
      }
    }
  }

  private void send(NodeName peer, BroadcastMessage message) {
    metrics.increment(MeterName.BROADCAST_MESSAGES, typeOf(message), "out");
    if (message instanceof BroadcastMessage.Gossip gossip) {
      metrics.add(MeterName.BROADCAST_PAYLOAD_BYTES, gossip.payloadLength(), "out");
    }
    // A failed send needs no report: the lost link reaches Plumtree as a membership event, and a
    // missing message is recovered by GRAFT from another announcer.
    transport.sendControl(peer, CONTROL_CHANNEL, codec.encode(message)).whenComplete((v, error) -> {
      if (error != null) {
        log.debug("could not send {} to {}: {}", message.getClass().getSimpleName(), peer, error.toString());
      }
    });
  }

  static String typeOf(BroadcastMessage message) {
    if (message instanceof BroadcastMessage.Gossip) {
      return "gossip";
    } else if (message instanceof BroadcastMessage.IHave) {
      return "ihave";
    } else if (message instanceof BroadcastMessage.Graft) {
      return "graft";
    }
    return "prune";
  }
}
