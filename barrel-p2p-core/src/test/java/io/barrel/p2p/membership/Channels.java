package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The in-memory network: one FIFO channel per ordered pair of nodes (a connection's control stream
 * keeps order), and deliveries drawn from a random non-empty channel (pairs race each other).
 *
 * @param <T> what travels: messages, and the connection notices a node receives about a peer
 */
final class Channels<T> {

  /** One delivery: {@code item} from (or about) {@code from}, arriving at {@code to}. */
  record Delivery<T>(NodeName from, NodeName to, T item) {}

  private record Link(NodeName from, NodeName to) {}

  private final Map<Link, ArrayDeque<T>> queues = new HashMap<>();
  private final List<Link> busy = new ArrayList<>();
  private final Map<Link, Integer> busyIndex = new HashMap<>();

  void add(NodeName from, NodeName to, T item) {
    Link link = new Link(from, to);
    queues.computeIfAbsent(link, l -> new ArrayDeque<>()).add(item);
    if (!busyIndex.containsKey(link)) {
      busyIndex.put(link, busy.size());
      busy.add(link);
    }
  }

  boolean isEmpty() {
    return busy.isEmpty();
  }

  /** Takes the head of a random non-empty channel. */
  Delivery<T> takeRandom(SplittableRandom random) {
    Link link = busy.get(random.nextInt(busy.size()));
    ArrayDeque<T> queue = queues.get(link);
    T item = queue.poll();
    if (queue.isEmpty()) {
      idle(link);
    }
    return new Delivery<>(link.from, link.to, item);
  }

  /** Drops the items of one channel that match {@code lost}. */
  void drop(NodeName from, NodeName to, Predicate<T> lost) {
    Link link = new Link(from, to);
    ArrayDeque<T> queue = queues.get(link);
    if (queue != null) {
      queue.removeIf(lost);
      if (queue.isEmpty()) {
        idle(link);
      }
    }
  }

  /** True when anything is waiting in either direction between {@code a} and {@code b}. */
  boolean busyBetween(NodeName a, NodeName b) {
    return busyIndex.containsKey(new Link(a, b)) || busyIndex.containsKey(new Link(b, a));
  }

  private void idle(Link link) {
    Integer index = busyIndex.remove(link);
    if (index == null) {
      return;
    }
    Link last = busy.remove(busy.size() - 1);
    if (index < busy.size()) {
      busy.set(index, last);
      busyIndex.put(last, index);
    }
  }
}
