package io.barrel.p2p.crdt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes the digest decoder and the anti-entropy answer behind it: whatever the bytes, the decoder
 * throws only {@link CrdtDecodeException}, every digest that comes out encodes back to the bytes it
 * came from, and answering it yields a fragment of the replica's own state. Seeds live in
 * {@code OrMapDigestFuzzTestInputs/decodeDigest}; how long it fuzzes is set by the build (see
 * barrel-p2p-core/pom.xml).
 */
class OrMapDigestFuzzTest {

  private static final OrMapCodec<ServiceInstance> CODEC = Crdts.SMALL_CODEC;
  private static final Crdts.Replica REPLICA = new Crdts.Replica("b", Crdts.EPOCH, CODEC);

  static {
    // A replica with something to answer about; a digest never changes it, so one serves every input.
    REPLICA.map.merge(new Crdts.Replica("a", Crdts.EPOCH, CODEC).map.startDelta());
    REPLICA.map.add("orders", new ServiceInstance("o1", 1));
    REPLICA.map.add("orders", new ServiceInstance("o2", 2));
    REPLICA.map.remove("orders", e -> e.value().port() == 1);
  }

  @FuzzTest
  void decodeDigest(byte[] input) {
    Digest digest;
    try {
      digest = CODEC.decodeDigest(input);
    } catch (CrdtDecodeException expected) {
      return;
    }
    byte[] again = CODEC.encode(digest);
    if (!Arrays.equals(again, input)) {
      throw new AssertionError(digest + " does not re-encode to its input " + Arrays.toString(input));
    }
    OrMapDelta<ServiceInstance> state = REPLICA.map.state();
    if (!state.join(REPLICA.map.missingFor(digest)).equals(state)) {
      throw new AssertionError("the answer to " + digest + " is not a fragment of the replica's state");
    }
  }
}
