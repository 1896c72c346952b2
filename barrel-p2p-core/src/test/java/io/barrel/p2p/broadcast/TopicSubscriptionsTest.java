package io.barrel.p2p.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicSubscriptionsTest {

  private static final Topic ORDERS = Topic.of("orders");
  private static final Topic PRICES = Topic.of("prices");
  private static final PlumtreeEffect.Deliver DELIVERY = new PlumtreeEffect.Deliver(ORDERS, new byte[] {1},
      new MessageId(1, 2), NodeName.of("o@h"), 2);

  @Test
  void listenersAreFoundByTopicInSubscriptionOrder() {
    TopicSubscriptions subscriptions = new TopicSubscriptions();
    List<String> calls = new ArrayList<>();
    subscriptions.subscribe(ORDERS, d -> calls.add("first"));
    subscriptions.subscribe(PRICES, d -> calls.add("prices"));
    subscriptions.subscribe(ORDERS, d -> calls.add("second"));

    subscriptions.listenersOf(ORDERS).forEach(l -> l.onBroadcast(DELIVERY));

    assertThat(calls).containsExactly("first", "second");
  }

  @Test
  void topicWithoutListenersHasNone() {
    TopicSubscriptions subscriptions = new TopicSubscriptions();

    assertThat(subscriptions.listenersOf(ORDERS)).isEmpty();
    assertThat(subscriptions.hasListeners(ORDERS)).isFalse();
  }

  @Test
  void closingASubscriptionRemovesOnlyThatRegistration() {
    TopicSubscriptions subscriptions = new TopicSubscriptions();
    List<String> calls = new ArrayList<>();
    BroadcastListener listener = d -> calls.add("x");
    TopicSubscriptions.Subscription first = subscriptions.subscribe(ORDERS, listener);
    subscriptions.subscribe(ORDERS, listener);

    first.close();
    first.close();
    subscriptions.listenersOf(ORDERS).forEach(l -> l.onBroadcast(DELIVERY));

    assertThat(calls).containsExactly("x");
  }

  @Test
  void lastUnsubscribeForgetsTheTopic() {
    TopicSubscriptions subscriptions = new TopicSubscriptions();
    TopicSubscriptions.Subscription only = subscriptions.subscribe(ORDERS, d -> { });

    only.close();

    assertThat(subscriptions.hasListeners(ORDERS)).isFalse();
  }

  @Test
  void subscribersReceiveTheDeliveryAsIs() {
    TopicSubscriptions subscriptions = new TopicSubscriptions();
    List<PlumtreeEffect.Deliver> received = new ArrayList<>();
    subscriptions.subscribe(ORDERS, received::add);

    subscriptions.listenersOf(ORDERS).forEach(l -> l.onBroadcast(DELIVERY));

    assertThat(received).containsExactly(DELIVERY);
  }
}
