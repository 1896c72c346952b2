package io.barrel.p2p.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.crdt.Crdts.Replica;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Anti-entropy between replicas over the wire (digest encoded and decoded, answers split into
 * frames by the codec's small limits and ingested as bytes), with chunks lost, duplicated, reordered
 * and replayed late, interleaved with new writes.
 */
class OrMapAntiEntropyPropertyTest {

  private static final OrMapCodec<ServiceInstance> CODEC = Crdts.SMALL_CODEC;

  private static List<byte[]> answer(Replica from, Replica to) {
    try {
      Digest digest = CODEC.decodeDigest(CODEC.encode(to.map.digest()));
      return CODEC.encodeChunks(from.map.missingFor(digest));
    } catch (CrdtDecodeException e) {
      throw new AssertionError("a digest did not survive its own codec", e);
    }
  }

  private static void ingest(Replica to, byte[] chunk) {
    IngestResult<ServiceInstance> result = to.map.ingest(chunk);
    assertThat(result).as("an honest chunk is accepted").isInstanceOf(IngestResult.Accepted.class);
  }

  private record Sent(byte[] chunk) {}

  @Property(tries = 500)
  void antiEntropyConvergesWhateverWasLostDuplicatedReorderedOrReplayedLate(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 4) int size) {
    Simulation sim = new Simulation(seed, size, CODEC);
    sim.run(40);
    List<Sent> old = new ArrayList<>();
    for (int round = 0; round < 12; round++) {
      Replica from = sim.any();
      Replica to = sim.any();
      List<byte[]> chunks = new ArrayList<>(answer(from, to));
      Collections.shuffle(chunks, new Random(sim.random.nextLong()));
      for (byte[] chunk : chunks) {
        int fate = sim.random.nextInt(8);
        if (fate > 1) {
          ingest(to, chunk);
        }
        if (fate == 2 || fate == 0) {
          old.add(new Sent(chunk));
        }
      }
      sim.step();
      if (!old.isEmpty() && sim.random.nextBoolean()) {
        // A chunk is a valid fragment of its sender's state, so replaying it late, or to anyone, is safe.
        ingest(sim.any(), old.get(sim.random.nextInt(old.size())).chunk());
      }
    }
    OrMapDelta<ServiceInstance> full = sim.fullMerge();

    int passes = 0;
    int sent;
    do {
      sent = 0;
      for (Replica from : sim.replicas) {
        for (Replica to : sim.replicas) {
          if (from != to) {
            for (byte[] chunk : answer(from, to)) {
              ingest(to, chunk);
              sent++;
            }
          }
        }
      }
      passes++;
    } while (sent > 0 && passes < 6);

    assertThat(sent).as("identical replicas answer each other with nothing").isZero();
    for (Replica replica : sim.replicas) {
      assertThat(replica.map.state()).isEqualTo(full);
      assertThat(replica.stats.rejectedDeltas()).isZero();
    }
  }

  @Property(tries = 500)
  void oneAnswerBringsThePeerUpToTheSendersState(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 60);
    Replica from = sim.replicas.get(0);
    Replica to = sim.replicas.get(1 + sim.random.nextInt(2));

    OrMapDelta<ServiceInstance> answer = from.map.missingFor(to.map.digest());
    OrMapDelta<ServiceInstance> caughtUp = to.map.state().join(answer);

    assertThat(caughtUp.join(from.map.state())).isEqualTo(caughtUp);
    assertThat(from.map.state().join(answer)).as("the answer is a fragment of the sender").isEqualTo(from.map.state());
  }

  @Property(tries = 500)
  void noChunkMakesThePeerDropAnEntryTheSenderStillHolds(@ForAll long seed) throws CrdtDecodeException {
    Simulation sim = new Simulation(seed, 3, CODEC);
    sim.run(60);
    Replica from = sim.replicas.get(0);
    Replica to = sim.replicas.get(1 + sim.random.nextInt(2));
    Set<OrMapEntry<ServiceInstance>> shared = new HashSet<>(from.map.entries());
    shared.retainAll(to.map.entries());

    for (byte[] chunk : answer(from, to)) {
      OrMapDelta<ServiceInstance> alone = to.map.state().join(CODEC.decodeDelta(chunk));
      assertThat(alone.entries()).containsAll(shared);
    }
  }

  @Property(tries = 500)
  void replicasThatAlreadyAgreeExchangeNothing(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 60);
    for (Replica replica : sim.replicas) {
      sim.deliverEverything(replica);
    }
    for (Replica from : sim.replicas) {
      for (Replica to : sim.replicas) {
        assertThat(from.map.missingFor(to.map.digest()).isEmpty()).isTrue();
      }
    }
  }
}
