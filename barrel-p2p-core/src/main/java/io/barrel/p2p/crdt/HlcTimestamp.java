package io.barrel.p2p.crdt;

/**
 * A hybrid logical clock reading: 48 bits of physical milliseconds since the epoch and a 16-bit
 * logical counter that orders events within one millisecond. Readings are totally ordered, physical
 * part first, and travel as one big-endian u64 ({@link #packed()}), so comparing two packed values
 * as unsigned numbers gives the same order.
 *
 * @param physical milliseconds since 1970-01-01T00:00Z, 0..{@link #MAX_PHYSICAL} (the year 10889)
 * @param logical events counted within that millisecond, 0..{@link #MAX_LOGICAL}
 */
public record HlcTimestamp(long physical, int logical) implements Comparable<HlcTimestamp> {

  /** Largest physical part, 2^48 − 1 ms. */
  public static final long MAX_PHYSICAL = (1L << 48) - 1;
  /** Largest logical part, 2^16 − 1; one more event in the same millisecond moves to the next one. */
  public static final int MAX_LOGICAL = 0xFFFF;
  /** Size of the encoded form. */
  public static final int BYTES = 8;
  /** The smallest timestamp, before any event. */
  public static final HlcTimestamp ZERO = new HlcTimestamp(0, 0);

  /** Checks both parts fit their bit widths. */
  public HlcTimestamp {
    if (physical < 0 || physical > MAX_PHYSICAL) {
      throw new IllegalArgumentException("HLC physical part must be 0.." + MAX_PHYSICAL + " ms, got " + physical);
    }
    if (logical < 0 || logical > MAX_LOGICAL) {
      throw new IllegalArgumentException("HLC logical part must be 0.." + MAX_LOGICAL + ", got " + logical);
    }
  }

  /** The timestamp whose {@link #packed()} form is {@code bits}; every 64-bit value is one. */
  public static HlcTimestamp fromPacked(long bits) {
    return new HlcTimestamp(bits >>> 16, (int) (bits & MAX_LOGICAL));
  }

  /** Physical part in the high 48 bits, logical part in the low 16: the compact, ordered form. */
  public long packed() {
    return (physical << 16) | logical;
  }

  /** The packed form as 8 big-endian bytes. */
  public byte[] toBytes() {
    byte[] out = new byte[BYTES];
    long bits = packed();
    for (int i = BYTES - 1; i >= 0; i--) {
      out[i] = (byte) bits;
      bits >>>= 8;
    }
    return out;
  }

  /**
   * Reads the 8-byte form.
   *
   * @throws CrdtDecodeException when {@code bytes} is not exactly 8 bytes long
   */
  public static HlcTimestamp fromBytes(byte[] bytes) throws CrdtDecodeException {
    if (bytes == null || bytes.length != BYTES) {
      throw new CrdtDecodeException("an HLC timestamp is exactly " + BYTES + " bytes, got "
          + (bytes == null ? "none" : bytes.length));
    }
    long bits = 0;
    for (byte b : bytes) {
      bits = (bits << 8) | (b & 0xff);
    }
    return fromPacked(bits);
  }

  @Override
  public int compareTo(HlcTimestamp other) {
    int byPhysical = Long.compare(physical, other.physical);
    return byPhysical != 0 ? byPhysical : Integer.compare(logical, other.logical);
  }

  /** True when this reading is strictly later than {@code other}. */
  public boolean isAfter(HlcTimestamp other) {
    return compareTo(other) > 0;
  }

  @Override
  public String toString() {
    return physical + "." + logical;
  }
}
