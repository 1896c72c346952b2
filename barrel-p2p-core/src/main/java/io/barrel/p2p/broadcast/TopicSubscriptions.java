package io.barrel.p2p.broadcast;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which local listeners want which topic: the driver looks up the listeners of each
 * {@link PlumtreeEffect.Deliver} here and calls them. Subscriptions are local only; every node
 * receives every topic (Plumtree has one tree for all topics) and drops the topics nobody here
 * listens to.
 *
 * <p>Unlike {@link Plumtree} this registry is safe to share between threads: user code subscribes
 * from its own threads while the protocol executor looks listeners up, and looking up never blocks
 * on a subscribe. A listener added during a delivery may or may not see that delivery.
 */
public final class TopicSubscriptions {

  /** A listener's registration; {@link #close()} removes it. */
  public interface Subscription extends AutoCloseable {
    /** Stops deliveries to the listener; idempotent. */
    @Override
    void close();
  }

  private final Map<Topic, CopyOnWriteArrayList<BroadcastListener>> listeners = new ConcurrentHashMap<>();

  /** Adds {@code listener} for {@code topic}; the same listener added twice is called twice. */
  public Subscription subscribe(Topic topic, BroadcastListener listener) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(listener, "listener");
    // One wrapper per subscription, so closing removes this registration and no other.
    BroadcastListener registration = listener::onBroadcast;
    // Adding inside compute keeps a concurrent close from dropping the list between lookup and add.
    listeners.compute(topic, (t, list) -> {
      CopyOnWriteArrayList<BroadcastListener> updated = list == null ? new CopyOnWriteArrayList<>() : list;
      updated.add(registration);
      return updated;
    });
    return () -> listeners.computeIfPresent(topic, (t, list) -> {
      list.remove(registration);
      return list.isEmpty() ? null : list;
    });
  }

  /** The listeners of {@code topic} at this moment, in subscription order; empty when none. */
  public List<BroadcastListener> listenersOf(Topic topic) {
    CopyOnWriteArrayList<BroadcastListener> list = listeners.get(Objects.requireNonNull(topic, "topic"));
    return list == null ? List.of() : List.copyOf(list);
  }

  /** True when at least one listener wants {@code topic}. */
  public boolean hasListeners(Topic topic) {
    return listeners.containsKey(Objects.requireNonNull(topic, "topic"));
  }
}
