package io.barrel.p2p.rpc;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Random draws for balancers that many threads call at once. Most {@link RandomGenerator}s are not
 * thread-safe, so a generator handed in (a seeded one, for reproducible tests) is drawn from under
 * its own lock; the default draws from {@link ThreadLocalRandom}, which needs no lock.
 */
final class RandomSource {

  private static final RandomSource THREAD_LOCAL = new RandomSource(null);

  private final RandomGenerator shared;

  private RandomSource(RandomGenerator shared) {
    this.shared = shared;
  }

  static RandomSource threadLocal() {
    return THREAD_LOCAL;
  }

  /** Draws from {@code random} under a lock (a {@link ThreadLocalRandom} handed in is used per thread). */
  static RandomSource of(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    return random instanceof ThreadLocalRandom ? THREAD_LOCAL : new RandomSource(random);
  }

  /** A uniform int in {@code [0, bound)}; bound must be positive. */
  int nextInt(int bound) {
    if (shared == null) {
      return ThreadLocalRandom.current().nextInt(bound);
    }
    synchronized (shared) {
      return shared.nextInt(bound);
    }
  }

  /** A uniform long in {@code [0, bound)}; bound must be positive. */
  long nextLong(long bound) {
    if (shared == null) {
      return ThreadLocalRandom.current().nextLong(bound);
    }
    synchronized (shared) {
      return shared.nextLong(bound);
    }
  }
}
