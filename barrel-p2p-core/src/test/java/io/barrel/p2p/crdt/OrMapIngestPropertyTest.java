package io.barrel.p2p.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.crdt.Crdts.Replica;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Ingest is all or nothing: damaged bytes from the wire are merged whole or refused whole. */
class OrMapIngestPropertyTest {

  private static final OrMapCodec<ServiceInstance> CODEC = Crdts.SMALL_CODEC;

  @Property(tries = 1000)
  void damagedBytesAreMergedWholeOrRefusedWholeAndCounted(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 100_000) int position, @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 2) int damage) {
    Simulation sim = new Simulation(seed, 3, CODEC);
    sim.run(50);
    Replica target = sim.replicas.get(0);
    byte[] bytes = CODEC.encodeChunks(sim.replicas.get(1).map.state()).get(0);
    if (damage == 0) {
      bytes[position % bytes.length] = value;
    } else if (damage == 1) {
      bytes = Arrays.copyOf(bytes, bytes.length - 1 - position % bytes.length);
    } else {
      bytes = Arrays.copyOf(bytes, bytes.length + 1 + position % 3);
      bytes[bytes.length - 1] = value;
    }
    OrMapDelta<ServiceInstance> before = target.map.state();
    long rejectedBefore = target.stats.rejectedDeltas();

    IngestResult<ServiceInstance> result = target.map.ingest(bytes);

    if (result instanceof IngestResult.Rejected) {
      assertThat(target.map.state()).isEqualTo(before);
      assertThat(target.stats.rejectedDeltas()).isEqualTo(rejectedBefore + 1);
    } else {
      OrMapDelta<ServiceInstance> decoded;
      try {
        decoded = CODEC.decodeDelta(bytes);
      } catch (CrdtDecodeException e) {
        throw new AssertionError("accepted bytes must decode", e);
      }
      assertThat(target.map.state()).isEqualTo(before.join(decoded));
      assertThat(target.stats.rejectedDeltas()).isEqualTo(rejectedBefore);
    }
  }
}
