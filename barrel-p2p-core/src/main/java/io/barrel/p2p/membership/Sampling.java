package io.barrel.p2p.membership;

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
}
