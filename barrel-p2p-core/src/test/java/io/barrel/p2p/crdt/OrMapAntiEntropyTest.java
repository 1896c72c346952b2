package io.barrel.p2p.crdt;

import static io.barrel.p2p.crdt.Crdts.instance;
import static io.barrel.p2p.crdt.Crdts.replica;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.crdt.Crdts.Replica;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrMapAntiEntropyTest {

  private final Replica a = replica("a");
  private final Replica b = replica("b");

  /** What {@code from} sends {@code to} for {@code to}'s digest, over the wire and back. */
  private static List<byte[]> answer(Replica from, Replica to) throws CrdtDecodeException {
    Digest digest = Crdts.CODEC.decodeDigest(Crdts.CODEC.encode(to.map.digest()));
    return Crdts.CODEC.encodeChunks(from.map.missingFor(digest));
  }

  private static void sync(Replica from, Replica to) throws CrdtDecodeException {
    for (byte[] chunk : answer(from, to)) {
      assertThat(to.map.ingest(chunk)).isInstanceOf(IngestResult.Accepted.class);
    }
  }

  @Test
  void aLateJoinerAskingWithAnEmptyDigestGetsTheFullState() {
    a.map.add("orders", instance("o1"));
    a.map.add("billing", instance("b1"));
    a.map.remove("billing");

    assertThat(a.map.missingFor(Digest.EMPTY)).isEqualTo(a.map.state());
  }

  @Test
  void identicalReplicasAnswerEachOtherWithNothing() throws CrdtDecodeException {
    a.map.add("orders", instance("o1"));
    b.map.add("orders", instance("o2"));
    sync(a, b);
    sync(b, a);

    assertThat(a.map.state()).isEqualTo(b.map.state());
    assertThat(a.map.missingFor(b.map.digest()).isEmpty()).isTrue();
    assertThat(answer(b, a)).isEmpty();
  }

  @Test
  void aPeerBehindGetsOnlyWhatLiesAboveItsVersionVector() {
    b.map.merge(a.map.startDelta());
    b.map.merge(a.map.add("orders", instance("o1")).delta());
    b.map.merge(a.map.add("orders", instance("o2")).delta());
    OrMapEntry<ServiceInstance> third = a.map.add("orders", instance("o3")).delta().entries().get(0);

    OrMapDelta<ServiceInstance> missing = a.map.missingFor(b.map.digest());

    assertThat(missing.entries()).containsExactly(third);
    assertThat(missing.context()).isEqualTo(CausalContext.of(third.dot()));
  }

  @Test
  void theAnswerNeverMakesThePeerDropAnEntryBothHold() {
    // The classic delta-CRDT mistake is to ship only the new entries with the sender's whole context:
    // the receiver would read the entry both hold, absent from the answer, as removed.
    OrMapDelta<ServiceInstance> shared = a.map.add("orders", instance("shared")).delta();
    b.map.merge(a.map.startDelta());
    b.map.merge(shared);
    a.map.add("orders", instance("new"));

    OrMapDelta<ServiceInstance> missing = a.map.missingFor(b.map.digest());
    OrMapChange<ServiceInstance> change = b.map.merge(missing);

    assertThat(missing.entries()).extracting(OrMapEntry::value).containsExactly(instance("new"));
    assertThat(change.removed()).isEmpty();
    assertThat(b.map.values("orders")).containsExactlyInAnyOrder(instance("shared"), instance("new"));
  }

  @Test
  void aRemovalTheDeltaOfWhichWasLostTravelsBelowThePeersVersionVectorOnlyBecauseFingerprintsDiffer() {
    b.map.merge(a.map.startDelta());
    b.map.merge(a.map.add("orders", instance("x")).delta());
    b.map.merge(a.map.add("orders", instance("y")).delta());
    a.map.remove("orders", e -> e.value().equals(instance("x")));
    assertThat(b.map.digest().versionVector().get(a.name())).isEqualTo(a.map.context().prefix(a.name()));

    OrMapDelta<ServiceInstance> missing = a.map.missingFor(b.map.digest());
    b.map.merge(missing);

    assertThat(missing.entries()).isEmpty();
    assertThat(b.map.values("orders")).containsExactly(instance("y"));
    assertThat(a.map.missingFor(b.map.digest()).isEmpty()).isTrue();
  }

  @Test
  void anEntryThePeerRemovedIsNotSentBackToIt() {
    OrMapDelta<ServiceInstance> add = a.map.add("orders", instance("x")).delta();
    b.map.merge(a.map.startDelta());
    b.map.merge(add);
    b.map.remove("orders");

    b.map.merge(a.map.missingFor(b.map.digest()));
    assertThat(b.map.isEmpty()).isTrue();

    a.map.merge(b.map.missingFor(a.map.digest()));
    assertThat(a.map.isEmpty()).isTrue();
  }

  @Test
  void removeAllOfReachesAReplicaThatNeverHeardTheRemoveThroughAntiEntropy() throws CrdtDecodeException {
    Replica dead = replica("dead");
    OrMapDelta<ServiceInstance> registration = dead.map.add("orders", instance("gone")).delta();
    a.map.merge(dead.map.startDelta());
    a.map.merge(registration);
    b.map.merge(dead.map.startDelta());
    b.map.merge(registration);

    a.map.removeAllOf(dead.name());
    sync(a, b);

    assertThat(b.map.isEmpty()).isTrue();
  }

  @Test
  void aRestartedNodesAntiEntropyCleansUpWhatItsEarlierLifePublished() throws CrdtDecodeException {
    Replica firstLife = new Replica("a", Crdts.EPOCH, Crdts.CODEC);
    b.map.merge(firstLife.map.startDelta());
    b.map.merge(firstLife.map.add("orders", instance("old")).delta());
    Replica secondLife = new Replica("a", Crdts.EPOCH + 30_000, Crdts.CODEC);
    secondLife.map.add("orders", instance("new"));

    sync(secondLife, b);

    assertThat(b.map.values("orders")).containsExactly(instance("new"));
    assertThat(b.map.context().ranges(secondLife.name())).hasSize(1);
  }

  @Test
  void aLargeStateTravelsInChunksWithinEveryLimitAndRebuildsTheReplica() throws CrdtDecodeException {
    Replica big = new Replica("big", Crdts.EPOCH, Crdts.SMALL_CODEC);
    Replica fresh = new Replica("fresh", Crdts.EPOCH, Crdts.SMALL_CODEC);
    for (int i = 0; i < 40; i++) {
      big.map.add("k" + (i % 7), new ServiceInstance("instance-" + i, i));
      if (i % 3 == 0) {
        big.map.remove("k" + (i % 5));
      }
    }

    List<byte[]> chunks = Crdts.SMALL_CODEC.encodeChunks(big.map.missingFor(fresh.map.digest()));

    assertThat(chunks.size()).isGreaterThan(1);
    for (byte[] chunk : chunks) {
      assertThat(chunk.length).isLessThanOrEqualTo(Crdts.SMALL.maxTotalBytes());
      OrMapDelta<ServiceInstance> decoded = Crdts.SMALL_CODEC.decodeDelta(chunk);
      assertThat(decoded.entries().size()).isLessThanOrEqualTo(Crdts.SMALL.maxEntries());
      assertThat(fresh.map.ingest(chunk)).isInstanceOf(IngestResult.Accepted.class);
    }
    assertThat(fresh.map.entries()).isEqualTo(big.map.entries());
    assertThat(big.map.missingFor(fresh.map.digest()).isEmpty()).isTrue();
  }

  @Test
  void theDigestSummarisesEachNodesVersionVectorAndTheEntriesHeldBelowIt() {
    a.map.add("orders", instance("o1"));
    a.map.add("orders", instance("o2"));
    a.map.remove("orders", e -> e.value().equals(instance("o1")));

    Digest.NodeSummary summary = a.map.digest().nodes().get(a.name());

    assertThat(summary.counter()).isEqualTo(a.map.context().prefix(a.name()));
    assertThat(summary.liveCount()).isEqualTo(1);
    long counter = a.map.entries().get(0).dot().counter();
    assertThat(summary.liveHash()).isEqualTo(Digest.NodeSummary.fingerprint(0, counter));
  }

  @Test
  void aContextNamingMoreNodesThanADigestMayHoldStillEncodesAndTheExchangeStillConverges() throws Exception {
    // SMALL allows 4 nodes per digest; seven nodes wrote, two of them have removed all they wrote.
    Replica hub = new Replica("hub", Crdts.EPOCH, Crdts.SMALL_CODEC);
    for (int n = 0; n < 7; n++) {
      Replica writer = new Replica("w" + n, Crdts.EPOCH + n, Crdts.SMALL_CODEC);
      hub.map.merge(writer.map.startDelta());
      hub.map.merge(writer.map.add("k" + n, instance("i" + n)).delta());
      if (n >= 5) {
        hub.map.merge(writer.map.remove("k" + n).delta());
      }
    }

    Digest digest = hub.map.digest();

    assertThat(digest.nodes()).hasSize(Crdts.SMALL.maxNodes());
    assertThat(digest.nodes().keySet()).as("nodes whose entries it holds come first")
        .allSatisfy(node -> assertThat(hub.map.entriesOf(node)).isNotEmpty());
    assertThat(Crdts.SMALL_CODEC.decodeDigest(Crdts.SMALL_CODEC.encode(digest))).isEqualTo(digest);

    Replica fresh = new Replica("fresh", Crdts.EPOCH, Crdts.SMALL_CODEC);
    for (int round = 0; round < 3; round++) {
      for (Replica[] pair : new Replica[][] {{hub, fresh}, {fresh, hub}}) {
        Digest asked = Crdts.SMALL_CODEC.decodeDigest(Crdts.SMALL_CODEC.encode(pair[1].map.digest()));
        for (byte[] chunk : Crdts.SMALL_CODEC.encodeChunks(pair[0].map.missingFor(asked))) {
          assertThat(pair[1].map.ingest(chunk)).isInstanceOf(IngestResult.Accepted.class);
        }
      }
    }
    assertThat(fresh.map.entries()).isEqualTo(hub.map.entries()).hasSize(5);
    assertThat(fresh.map.context()).isEqualTo(hub.map.context());
  }

  @Test
  void aDigestFillsItsByteBudgetExactlyAndNotOneLineMore() throws Exception {
    // Ten writers with names of one length: each line takes 25 bytes plus the name's 36.
    int line = 25 + 36;
    for (int fit : new int[] {8, 7}) {
      for (int spare : new int[] {0, line - 1}) {
        CrdtConfig config = Crdts.SMALL.withLimits(8, 16, 64, 4 + fit * line + spare, 16, 100);
        OrMapCodec<ServiceInstance> codec = new OrMapCodec<>(ServiceInstance.CODEC, config);
        Replica hub = new Replica("hub", Crdts.EPOCH, codec);
        for (int n = 0; n < 10; n++) {
          Replica writer = new Replica(String.format("w%02d-%s", n, "x".repeat(30)), Crdts.EPOCH + n, codec);
          hub.map.merge(writer.map.startDelta());
          hub.map.merge(writer.map.add("k", instance("i" + n)).delta());
        }

        Digest digest = hub.map.digest();
        byte[] bytes = codec.encode(digest);

        assertThat(digest.nodes()).as("budget %d + %d spare", fit, spare).hasSize(fit);
        assertThat(bytes).hasSize(4 + fit * line);
        assertThat(codec.decodeDigest(bytes)).isEqualTo(digest);
      }
    }
  }
}
