package io.barrel.p2p.crdt;

import static io.barrel.p2p.crdt.Crdts.instance;
import static io.barrel.p2p.crdt.Crdts.replica;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.crdt.Crdts.Replica;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrMapIngestTest {

  private final Replica a = replica("a");
  private final Replica b = replica("b");

  @Test
  void aValidDeltaIsMergedAndReportsItsChange() {
    OrMapDelta<ServiceInstance> add = a.map.add("orders", instance("o1")).delta();

    IngestResult<ServiceInstance> result = b.map.ingest(Crdts.CODEC.encode(add));

    assertThat(result).isEqualTo(new IngestResult.Accepted<>(new OrMapChange<>(add.entries(), List.of())));
    assertThat(b.map.ingest(Crdts.CODEC.encode(add)))
        .isEqualTo(new IngestResult.Accepted<>(OrMapChange.<ServiceInstance>none()));
  }

  @Test
  void malformedBytesAreRejectedWholeCountedAndChangeNothing() {
    b.map.add("orders", instance("mine"));
    OrMapDelta<ServiceInstance> before = b.map.state();
    a.map.add("orders", instance("o1"));
    a.map.add("billing", instance("b1"));
    byte[] bytes = Crdts.CODEC.encode(a.map.state());
    // Break the length byte inside the last entry's value ("b1", port 8080): every entry before it was fine.
    bytes[bytes.length - 5] = 99;

    IngestResult<ServiceInstance> result = b.map.ingest(bytes);

    assertThat(result).isInstanceOf(IngestResult.Rejected.class);
    assertThat(((IngestResult.Rejected<ServiceInstance>) result).reason()).isEqualTo(DeltaRejection.MALFORMED);
    assertThat(b.map.state()).isEqualTo(before);
    assertThat(b.stats.rejectedDeltas(DeltaRejection.MALFORMED)).isEqualTo(1);
    assertThat(b.stats.rejectedDeltas()).isEqualTo(1);
  }

  @Test
  void trailingBytesAfterAValidDeltaRejectItWhole() {
    byte[] valid = Crdts.CODEC.encode(a.map.add("orders", instance("o1")).delta());
    byte[] longer = Arrays.copyOf(valid, valid.length + 1);

    assertThat(b.map.ingest(longer)).isInstanceOf(IngestResult.Rejected.class);
    assertThat(b.map.isEmpty()).isTrue();
  }

  @Test
  void oversizedBytesAreCountedAsOversized() {
    Replica small = new Replica("s", Crdts.EPOCH, Crdts.SMALL_CODEC);

    IngestResult<ServiceInstance> result = small.map.ingest(new byte[Crdts.SMALL.maxTotalBytes() + 1]);

    assertThat(result).isInstanceOfSatisfying(IngestResult.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(DeltaRejection.OVERSIZED));
    assertThat(small.stats.rejectedDeltas(DeltaRejection.OVERSIZED)).isEqualTo(1);
  }

  @Test
  void aDotBeyondTheHorizonIsRejectedWholeSoNoPeerCanPushCountersTowardsOverflow() {
    OrMapDelta<ServiceInstance> honest = a.map.add("orders", instance("o1")).delta();
    long horizon = b.clock.horizon().packed();
    OrMapDelta<ServiceInstance> forged = new OrMapDelta<>(honest.entries(),
        honest.context().union(CausalContext.of(new Dot(Crdts.node("x"), horizon + 1))));

    IngestResult<ServiceInstance> result = b.map.ingest(forged);

    assertThat(result).isInstanceOfSatisfying(IngestResult.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(DeltaRejection.FUTURE_DOT));
    assertThat(b.map.isEmpty()).isTrue();
    assertThat(b.map.context().nodes()).containsExactly(b.name());
    assertThat(b.stats.rejectedDeltas(DeltaRejection.FUTURE_DOT)).isEqualTo(1);
  }

  @Test
  void aDotAtTheHorizonIsAccepted() {
    long horizon = b.clock.horizon().packed();
    assertThat(b.map.ingest(new OrMapDelta<>(List.of(), CausalContext.of(new Dot(Crdts.node("x"), horizon)))))
        .isInstanceOf(IngestResult.Accepted.class);
  }

  @Test
  void ingestMovesTheClockPastTheNewestEntry() {
    a.time.advance(10_000);
    OrMapDelta<ServiceInstance> add = a.map.add("orders", instance("o1")).delta();

    b.map.ingest(add);

    assertThat(b.clock.last()).isGreaterThan(add.entries().get(0).timestamp());
    assertThat(b.map.add("orders", instance("later")).delta().entries().get(0).timestamp())
        .isGreaterThan(add.entries().get(0).timestamp());
  }

  @Test
  void anEntryStampedTooFarAheadIsKeptButItsTimestampIsRefusedAndNeverAbsorbed() {
    // The dot is an honest one; only the timestamp is from the future. Timestamps decide nothing, so
    // the entry stays, but our clock does not jump.
    OrMapEntry<ServiceInstance> honest = a.map.add("orders", instance("o1")).delta().entries().get(0);
    HlcTimestamp future = new HlcTimestamp(Crdts.EPOCH + 3_600_000, 0);
    OrMapEntry<ServiceInstance> skewed = new OrMapEntry<>(honest.dot(), honest.key(), honest.value(), future);
    HlcTimestamp before = b.clock.last();

    IngestResult<ServiceInstance> result = b.map.ingest(new OrMapDelta<>(List.of(skewed), CausalContext.of(honest.dot())));

    assertThat(result).isInstanceOf(IngestResult.Accepted.class);
    assertThat(b.map.values("orders")).containsExactly(instance("o1"));
    assertThat(b.clock.last()).isEqualTo(before);
    assertThat(b.stats.rejectedTimestamps()).isEqualTo(1);
    assertThat(b.stats.rejectedDeltas()).isZero();
  }

  @Test
  void rejectionReasonsHaveMetricTags() {
    assertThat(DeltaRejection.MALFORMED.tag()).isEqualTo("malformed");
    assertThat(DeltaRejection.OVERSIZED.tag()).isEqualTo("oversized");
    assertThat(DeltaRejection.FUTURE_DOT.tag()).isEqualTo("future_dot");
  }
}
