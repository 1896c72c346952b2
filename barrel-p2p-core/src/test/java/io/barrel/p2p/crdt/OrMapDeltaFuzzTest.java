package io.barrel.p2p.crdt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes the delta decoder and the ingest path behind it: whatever the bytes, the decoder throws
 * only {@link CrdtDecodeException}, every delta that comes out encodes back to the bytes it came
 * from, and ingest either merges it or refuses it leaving the replica exactly as it was. Seeds live
 * in {@code OrMapDeltaFuzzTestInputs/decodeDelta}; how long it fuzzes is set by the build (see
 * barrel-p2p-core/pom.xml).
 */
class OrMapDeltaFuzzTest {

  /** Small bounds, so the fuzzer reaches the limit checks with short inputs. */
  private static final OrMapCodec<ServiceInstance> CODEC = Crdts.SMALL_CODEC;

  @FuzzTest
  void decodeDelta(byte[] input) {
    Crdts.Replica replica = new Crdts.Replica("fuzz", Crdts.EPOCH, CODEC);
    OrMapDelta<ServiceInstance> before = replica.map.state();
    IngestResult<ServiceInstance> ingested = replica.map.ingest(input);
    OrMapDelta<ServiceInstance> delta;
    try {
      delta = CODEC.decodeDelta(input);
    } catch (CrdtDecodeException expected) {
      if (!(ingested instanceof IngestResult.Rejected) || !replica.map.state().equals(before)) {
        throw new AssertionError("undecodable bytes changed the replica: " + ingested);
      }
      return;
    }
    byte[] again = CODEC.encode(delta);
    if (!Arrays.equals(again, input)) {
      throw new AssertionError(delta + " does not re-encode to its input " + Arrays.toString(input));
    }
    boolean merged = ingested instanceof IngestResult.Accepted && replica.map.state().equals(before.join(delta));
    boolean refused = ingested instanceof IngestResult.Rejected && replica.map.state().equals(before);
    if (!merged && !refused) {
      throw new AssertionError("ingest of " + delta + " was neither a whole merge nor a clean refusal: " + ingested);
    }
  }
}
