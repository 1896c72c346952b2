package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.membership.MembershipEvent;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceFilter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Republishes the node's {@link MembershipEvent}s and {@link ServiceEvent}s as Spring application
 * events, so a bean listens with {@code @EventListener void on(MembershipEvent.PeerUp up)} or
 * {@code @EventListener void on(ServiceEvent event)}.
 *
 * <p>Events arrive one at a time and in order, on barrel-p2p's application executor (never on a
 * network or protocol thread), as the core delivers them to subscribers. Runs in the phase right
 * after the node's, so it subscribes as soon as the node has started and lets go just before the
 * node stops.
 */
public final class P2pEventRepublisher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(P2pEventRepublisher.class);

  private final P2pNode node;
  private final ApplicationEventPublisher publisher;
  private final List<AutoCloseable> subscriptions = new ArrayList<>();

  /** Republishes {@code node}'s events through {@code publisher}. */
  public P2pEventRepublisher(P2pNode node, ApplicationEventPublisher publisher) {
    this.node = node;
    this.publisher = publisher;
  }

  @Override
  public synchronized void start() {
    if (subscriptions.isEmpty() && node.isRunning()) {
      subscriptions.add(node.membership().subscribe(publisher::publishEvent));
      subscriptions.add(node.registry().subscribe(ServiceFilter.all(), publisher::publishEvent));
    }
  }

  @Override
  public synchronized void stop() {
    for (AutoCloseable subscription : subscriptions) {
      try {
        subscription.close();
      } catch (Exception e) {
        log.debug("closing an event subscription of {} failed", node.name(), e);
      }
    }
    subscriptions.clear();
  }

  @Override
  public synchronized boolean isRunning() {
    return !subscriptions.isEmpty();
  }

  @Override
  public int getPhase() {
    return P2pNodeLifecycle.PHASE + 1;
  }
}
