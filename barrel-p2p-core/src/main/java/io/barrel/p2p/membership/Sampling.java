package io.barrel.p2p.membership;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Random choices drawn from the caller's generator only, over collections with a stable iteration
 * order, so a seeded run is reproducible.
 */
final class Sampling {

  private Sampling() {}

  /** One element chosen uniformly, or empty for an empty collection. */
  static <T> Optional<T> one(Collection<T> from, RandomGenerator random) {
    if (from.isEmpty()) {
      return Optional.empty();
    }
    int index = random.nextInt(from.size());
    if (from instanceof List<T> list) {
      return Optional.of(list.get(index));
    }
    for (T element : from) {
      if (index-- == 0) {
        return Optional.of(element);
      }
    }
    throw new AssertionError("collection changed size while sampling");
  }

  /** Up to {@code k} distinct elements chosen uniformly (a partial Fisher–Yates shuffle). */
  static <T> List<T> some(Collection<T> from, int k, RandomGenerator random) {
    List<T> pool = new ArrayList<>(from);
    int n = Math.min(k, pool.size());
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(pool.size() - i);
      T swap = pool.get(i);
      pool.set(i, pool.get(j));
      pool.set(j, swap);
    }
    return new ArrayList<>(pool.subList(0, n));
  }
}
