package io.barrel.p2p.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips of real deltas and digests, and the decoders' behaviour on damaged and random bytes. */
class OrMapCodecPropertyTest {

  private static final OrMapCodec<ServiceInstance> CODEC = Crdts.SMALL_CODEC;

  /** Encoded chunks of real fragments: states, deltas and anti-entropy answers of a random history. */
  private static List<byte[]> wire(long seed) {
    Simulation sim = new Simulation(seed, 3, CODEC);
    sim.run(50);
    List<byte[]> out = new ArrayList<>();
    out.addAll(CODEC.encodeChunks(sim.any().map.state()));
    out.addAll(CODEC.encodeChunks(sim.anyDelta()));
    out.addAll(CODEC.encodeChunks(sim.any().map.missingFor(sim.any().map.digest())));
    out.add(CODEC.encode(sim.any().map.digest()));
    return out;
  }

  @Property(tries = 500)
  void everyFragmentOfAHistoryRoundTripsInChunksWithinTheLimits(@ForAll long seed) throws CrdtDecodeException {
    Simulation sim = new Simulation(seed, 3, CODEC);
    sim.run(50);
    for (OrMapDelta<ServiceInstance> fragment : List.of(sim.any().map.state(), sim.anyDelta(),
        sim.any().map.missingFor(sim.any().map.digest()))) {
      List<OrMapDelta<ServiceInstance>> decoded = new ArrayList<>();
      for (byte[] chunk : CODEC.encodeChunks(fragment)) {
        assertThat(chunk.length).isLessThanOrEqualTo(Crdts.SMALL.maxTotalBytes());
        OrMapDelta<ServiceInstance> delta = CODEC.decodeDelta(chunk);
        assertThat(CODEC.encode(delta)).isEqualTo(chunk);
        decoded.add(delta);
      }
      assertThat(Crdts.joinAll(decoded)).isEqualTo(fragment);
    }
  }

  @Property(tries = 500)
  void digestsRoundTrip(@ForAll long seed) throws CrdtDecodeException {
    Simulation sim = new Simulation(seed, 4, CODEC);
    sim.run(50);
    Digest digest = sim.any().map.digest();
    assertThat(CODEC.decodeDigest(CODEC.encode(digest))).isEqualTo(digest);
  }

  @Property(tries = 2000)
  void randomBytesEitherDecodeCanonicallyOrFailWithADecodeError(@ForAll @Size(max = 600) byte[] bytes) {
    assertDecodesCanonicallyOrRefuses(bytes);
  }

  @Property(tries = 2000)
  void randomBodiesBehindAValidHeaderEitherDecodeCanonicallyOrFailWithADecodeError(
      @ForAll @IntRange(min = 1, max = 2) int type, @ForAll @Size(max = 600) byte[] body) {
    byte[] message = new byte[body.length + 2];
    message[0] = 1;
    message[1] = (byte) type;
    System.arraycopy(body, 0, message, 2, body.length);
    assertDecodesCanonicallyOrRefuses(message);
  }

  @Property(tries = 1000)
  void corruptingOneByteOfARealMessageNeverThrowsAnythingElse(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 100_000) int position, @ForAll byte value) {
    for (byte[] bytes : wire(seed)) {
      byte[] damaged = bytes.clone();
      damaged[position % damaged.length] = value;
      assertDecodesCanonicallyOrRefuses(damaged);
    }
  }

  @Property(tries = 1000)
  void truncatingARealMessageIsAlwaysRefused(@ForAll long seed, @ForAll @IntRange(min = 1, max = 100_000) int cut) {
    for (byte[] bytes : wire(seed)) {
      byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1 - cut % bytes.length);
      assertThat(decodes(truncated)).as("%d of %d bytes", truncated.length, bytes.length).isFalse();
    }
  }

  private static boolean decodes(byte[] bytes) {
    try {
      CODEC.decodeDelta(bytes);
      return true;
    } catch (CrdtDecodeException refused) {
      // try the other message type
    }
    try {
      CODEC.decodeDigest(bytes);
      return true;
    } catch (CrdtDecodeException refused) {
      return false;
    }
  }

  /** Either decode errors, or a message that encodes back to exactly the same bytes. */
  static void assertDecodesCanonicallyOrRefuses(byte[] bytes) {
    try {
      OrMapDelta<ServiceInstance> delta = CODEC.decodeDelta(bytes);
      assertThat(CODEC.encode(delta)).as("%s re-encodes to its input", delta).isEqualTo(bytes);
    } catch (CrdtDecodeException refused) {
      // the only exception allowed
    }
    try {
      Digest digest = CODEC.decodeDigest(bytes);
      assertThat(CODEC.encode(digest)).as("%s re-encodes to its input", digest).isEqualTo(bytes);
    } catch (CrdtDecodeException refused) {
      // the only exception allowed
    }
  }
}
