package io.barrel.p2p.broadcast;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The 128-bit identity of one broadcast, chosen at random by its origin. 128 bits keep the chance
 * that two of a cluster's broadcasts collide negligible for any realistic number of messages, while
 * costing half of the reference system's 32-byte SHA-256 ids on every IHAVE.
 *
 * @param high the first 64 bits, as sent first on the wire
 * @param low the last 64 bits
 */
public record MessageId(long high, long low) implements Comparable<MessageId> {

  /** Size of an id on the wire, in bytes. */
  public static final int BYTES = 16;

  /** A fresh id from {@code random}; the caller decides whether the source is seeded or secure. */
  public static MessageId random(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    return new MessageId(random.nextLong(), random.nextLong());
  }

  @Override
  public int compareTo(MessageId other) {
    int byHigh = Long.compareUnsigned(high, other.high);
    return byHigh != 0 ? byHigh : Long.compareUnsigned(low, other.low);
  }

  /** 32 lower-case hex digits, high bits first. */
  @Override
  public String toString() {
    return String.format("%016x%016x", high, low);
  }
}
