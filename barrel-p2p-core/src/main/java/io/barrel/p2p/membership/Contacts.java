package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The contact nodes a node joins through, each with its own backoff. Contacts are never forgotten:
 * a node whose active view is empty keeps cycling through them, however often they failed.
 */
final class Contacts {

  /** A contact's failure record. */
  private static final class Entry {
    int failures;
    long retryAt;
  }

  private final Map<NodeName, Entry> entries = new LinkedHashMap<>();

  void addAll(Collection<NodeName> contacts, NodeName self) {
    for (NodeName contact : contacts) {
      if (!contact.equals(self)) {
        entries.putIfAbsent(contact, new Entry());
      }
    }
  }

  /** A random contact out of backoff that passes {@code allowed}. */
  Optional<NodeName> next(long now, RandomGenerator random, Predicate<NodeName> allowed) {
    List<NodeName> ready = new ArrayList<>();
    for (Map.Entry<NodeName, Entry> e : entries.entrySet()) {
      if (e.getValue().retryAt <= now && allowed.test(e.getKey())) {
        ready.add(e.getKey());
      }
    }
    return Sampling.one(ready, random);
  }

  void recordFailure(NodeName contact, long now, Backoff backoff) {
    Entry entry = entries.get(contact);
    if (entry != null) {
      entry.failures++;
      entry.retryAt = now + backoff.delayAfter(entry.failures);
    }
  }

  void recordSuccess(NodeName contact) {
    Entry entry = entries.get(contact);
    if (entry != null) {
      entry.failures = 0;
      entry.retryAt = 0;
    }
  }

  List<NodeName> names() {
    return List.copyOf(entries.keySet());
  }
}
