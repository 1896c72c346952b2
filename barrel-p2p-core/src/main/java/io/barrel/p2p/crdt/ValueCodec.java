package io.barrel.p2p.crdt;

/**
 * Turns the values of an {@link OrMap} into bytes and back, so the map's wire codec stays generic:
 * the registry plugs in one for its registrations. {@link OrMapCodec} frames every value with its
 * length and checks that length against {@code max-value-bytes} before calling {@link #decode}, so an
 * implementation never sees more than that many bytes and never needs to trust a length from the
 * wire for the value as a whole; any lengths <em>inside</em> the value are its own to check.
 *
 * <p>Contract, relied on by the fuzz tests and by replicas agreeing on state: encoding is
 * deterministic, and {@code encode(decode(b))} equals {@code b} for every {@code b} that decodes
 * (one encoding per value), with {@code decode(encode(v)).equals(v)}.
 *
 * @param <V> the value type
 */
public interface ValueCodec<V> {

  /** The value's bytes; {@link OrMapCodec} refuses more than {@code max-value-bytes} of them. */
  byte[] encode(V value);

  /**
   * The value these bytes encode, all of them.
   *
   * @throws CrdtDecodeException for anything else; any other exception is treated as a bug in the
   *     codec, and the delta carrying the value is refused as malformed all the same
   */
  V decode(byte[] bytes) throws CrdtDecodeException;
}
