package io.barrel.p2p.crdt;

import static io.barrel.p2p.crdt.Crdts.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OrMapCodecTest {

  private static final OrMapCodec<ServiceInstance> CODEC = Crdts.SMALL_CODEC;
  private static final NodeName A = node("a");
  private static final NodeName B = node("b");
  private static final HlcTimestamp T = new HlcTimestamp(1_000, 1);

  private static OrMapEntry<ServiceInstance> entry(NodeName node, long counter, String key, String id) {
    return new OrMapEntry<>(new Dot(node, counter), key, new ServiceInstance(id, 80), T);
  }

  private static OrMapDelta<ServiceInstance> delta(CausalContext context, List<OrMapEntry<ServiceInstance>> entries) {
    return new OrMapDelta<>(entries, context);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  private static final String A_NAME = "03" + hex("a@h".getBytes());
  private static final String B_NAME = "03" + hex("b@h".getBytes());
  /** One entry: counter 2, hlc 1000.1, key "k", value ("i", 80). */
  private static final String ENTRY = "0000000000000002" + "0000000003e80001" + "0001" + "6b" + "00000004" + "01690050";

  @Test
  void aDeltaIsVersionTypeGroupsThenPerNodeItsRangesAndItsEntries() throws CrdtDecodeException {
    OrMapDelta<ServiceInstance> delta = delta(CausalContext.of(A, 1, 3), List.of(entry(A, 2, "k", "i")));

    byte[] encoded = CODEC.encode(delta);

    assertThat(hex(encoded)).isEqualTo("01" + "01" + "0001" + A_NAME + "0001" + "0000000000000001"
        + "0000000000000003" + "00000001" + ENTRY);
    assertThat(CODEC.decodeDelta(encoded)).isEqualTo(delta);
  }

  @Test
  void anEmptyDeltaIsFourBytes() throws CrdtDecodeException {
    assertThat(hex(CODEC.encode(OrMapDelta.empty()))).isEqualTo("01010000");
    assertThat(CODEC.decodeDelta(bytes("01010000"))).isEqualTo(OrMapDelta.empty());
  }

  @Test
  void aDigestIsVersionTypeCountThenNameCounterLiveAndHashPerNode() throws CrdtDecodeException {
    TreeMap<NodeName, Digest.NodeSummary> nodes = new TreeMap<>();
    nodes.put(A, new Digest.NodeSummary(5, 2, -1));
    Digest digest = new Digest(nodes);

    byte[] encoded = CODEC.encode(digest);

    assertThat(hex(encoded)).isEqualTo("01" + "02" + "0001" + A_NAME + "0000000000000005" + "0000000000000002"
        + "ffffffffffffffff");
    assertThat(CODEC.decodeDigest(encoded)).isEqualTo(digest);
    assertThat(digest.versionVector()).containsExactly(Map.entry(A, 5L));
  }

  @Test
  void emptyInputIsRefused() {
    assertRefused(new byte[0], "empty");
    assertRefused(null, "empty");
  }

  @Test
  void anotherWireVersionIsRefused() {
    assertRefused(bytes("02010000"), "version 2");
  }

  @Test
  void aDigestIsNotADeltaAndADeltaIsNotADigest() {
    assertRefused(bytes("01020000"), "expected a delta");
    assertThatThrownBy(() -> CODEC.decodeDigest(bytes("01010000"))).isInstanceOf(CrdtDecodeException.class)
        .hasMessageContaining("expected a digest");
  }

  @Test
  void trailingBytesAreRefused() {
    assertRefused(bytes("0101000000"), "trailing");
  }

  @Test
  void nodesOutOfOrderOrRepeatedAreRefused() {
    String groupB = B_NAME + "0001" + "0000000000000001" + "0000000000000001" + "00000000";
    String groupA = A_NAME + "0001" + "0000000000000001" + "0000000000000001" + "00000000";
    assertRefused(bytes("01010002" + groupB + groupA), "ascending");
    assertRefused(bytes("01010002" + groupA + groupA), "ascending");
  }

  @Test
  void anInvalidNodeNameIsRefused() {
    assertRefused(bytes("01010001" + "03" + hex("a h".getBytes()) + "0001" + "0000000000000001"
        + "0000000000000001" + "00000000"), "node name");
  }

  @Test
  void aGroupWithoutRangesIsRefused() {
    assertRefused(bytes("01010001" + A_NAME + "0000" + "00000000"), "no ranges");
  }

  @Test
  void rangesMustBePositiveOrderedAndApart() {
    assertRefused(group("0000000000000000" + "0000000000000001"), "first <= last");
    assertRefused(group("0000000000000005" + "0000000000000004"), "first <= last");
    assertRefused(group("8000000000000000" + "8000000000000001"), "first <= last");
    assertRefused(groupOfTwo("0000000000000001" + "0000000000000003", "0000000000000004" + "0000000000000005"),
        "touch");
    assertRefused(groupOfTwo("0000000000000005" + "0000000000000006", "0000000000000001" + "0000000000000002"),
        "order");
  }

  private static byte[] group(String range) {
    return bytes("01010001" + A_NAME + "0001" + range + "00000000");
  }

  private static byte[] groupOfTwo(String first, String second) {
    return bytes("01010001" + A_NAME + "0002" + first + second + "00000000");
  }

  @Test
  void entriesMustBeAscendingAndInsideTheContext() {
    String context = "01010001" + A_NAME + "0001" + "0000000000000001" + "0000000000000003";
    assertRefused(bytes(context + "00000002" + ENTRY + ENTRY), "ascending");
    String outside = "0000000000000009" + ENTRY.substring(16);
    assertRefused(bytes(context + "00000001" + outside), "outside");
  }

  @Test
  void keysMustBeNonEmptyStrictUtf8AndWithinTheLimit() {
    String context = "01010001" + A_NAME + "0001" + "0000000000000001" + "0000000000000003" + "00000001"
        + "0000000000000002" + "0000000003e80001";
    String value = "00000004" + "01690050";
    assertRefused(bytes(context + "0000" + value), "empty key");
    assertRefused(bytes(context + "0001" + "ff" + value), "UTF-8");
    assertRefused(bytes(context + "0002" + "c0af" + value), "UTF-8");
    assertRefused(bytes(context + "0003" + "eda080" + value), "UTF-8");
    assertOversized(bytes(context + "0011" + "61".repeat(17) + value), "key of 17 bytes");
  }

  @Test
  void valuesOverTheLimitOrRefusedByTheValueCodecAreRefused() {
    String prefix = "01010001" + A_NAME + "0001" + "0000000000000001" + "0000000000000003" + "00000001"
        + "0000000000000002" + "0000000003e80001" + "0001" + "6b";
    assertOversized(bytes(prefix + "00000041" + "00".repeat(65)), "value of 65 bytes");
    assertRefused(bytes(prefix + "00000003" + "016900"), "service instance");
    assertOversized(bytes(prefix + "ffffffff"), "value of 4294967295");
  }

  @Test
  void aValueCodecThatThrowsSomethingElseStillEndsInADecodeError() {
    ValueCodec<ServiceInstance> broken = new ValueCodec<>() {
      @Override
      public byte[] encode(ServiceInstance value) {
        return ServiceInstance.CODEC.encode(value);
      }

      @Override
      public ServiceInstance decode(byte[] bytes) {
        throw new IllegalStateException("bug");
      }
    };
    OrMapCodec<ServiceInstance> codec = new OrMapCodec<>(broken, Crdts.SMALL);
    byte[] encoded = codec.encode(delta(CausalContext.of(A, 1, 3), List.of(entry(A, 2, "k", "i"))));
    assertThatThrownBy(() -> codec.decodeDelta(encoded)).isInstanceOf(CrdtDecodeException.class)
        .hasMessageContaining("value codec failed");
  }

  @Test
  void countsBeyondTheLimitsAreRefusedAsOversizedBeforeAnythingIsAllocated() {
    assertOversized(bytes("0101ffff"), "nodes");
    assertOversized(bytes("01010001" + A_NAME + "ffff"), "ranges");
    assertOversized(bytes("01010001" + A_NAME + "0001" + "0000000000000001" + "0000000000000003" + "ffffffff"),
        "entries");
    assertOversized(new byte[Crdts.SMALL.maxTotalBytes() + 1], "exceeds");
  }

  @Test
  void aCountLargerThanTheBytesLeftIsRefusedAsMalformed() {
    assertRefused(bytes("01010001" + A_NAME + "0002" + "0000000000000001" + "0000000000000003"), "ends early");
    assertRefused(bytes("01010001" + A_NAME + "0001" + "0000000000000001" + "0000000000000003" + "00000002"),
        "ends early");
  }

  @Test
  void digestsRefuseImpossibleLinesDisorderAndExcess() {
    String line = "0000000000000005" + "0000000000000002" + "0000000000000000";
    assertDigestRefused("01020001" + A_NAME + "0000000000000000" + "0000000000000000" + "0000000000000000",
        "counter");
    assertDigestRefused("01020001" + A_NAME + "0000000000000005" + "0000000000000006" + "0000000000000000",
        "live");
    assertDigestRefused("01020001" + A_NAME + "8000000000000000" + "0000000000000000" + "0000000000000000",
        "counter");
    assertDigestRefused("01020002" + B_NAME + line + A_NAME + line, "ascending");
    assertDigestRefused("0102ffff", "nodes");
    assertDigestRefused("01020001" + A_NAME + line + "00", "trailing");
  }

  @Test
  void encodingRefusesWhatExceedsABoundAndNamesTheProperty() {
    List<OrMapEntry<ServiceInstance>> many = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      many.add(entry(A, i, "k", "i"));
    }
    assertThatThrownBy(() -> CODEC.encode(delta(CausalContext.of(A, 1, 9), many)))
        .hasMessageContaining("max-entries");
    CausalContext ranges = CausalContext.EMPTY;
    for (int i = 0; i < 17; i++) {
      ranges = ranges.union(CausalContext.of(new Dot(A, 2L * i + 1)));
    }
    CausalContext manyRanges = ranges;
    assertThatThrownBy(() -> CODEC.encode(delta(manyRanges, List.of()))).hasMessageContaining("max-context-ranges");
    CausalContext nodes = CausalContext.EMPTY;
    for (int i = 0; i < 5; i++) {
      nodes = nodes.union(CausalContext.of(new Dot(node("n" + i), 1)));
    }
    CausalContext manyNodes = nodes;
    assertThatThrownBy(() -> CODEC.encode(delta(manyNodes, List.of()))).hasMessageContaining("max-nodes");
  }

  @Test
  void encodeChunksSplitsWhatEncodeRefuses() throws CrdtDecodeException {
    List<OrMapEntry<ServiceInstance>> many = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      many.add(entry(A, i, "key-" + i, "instance-" + i));
    }
    OrMapDelta<ServiceInstance> big = delta(CausalContext.of(A, 1, 40), many);

    List<byte[]> chunks = CODEC.encodeChunks(big);

    List<OrMapDelta<ServiceInstance>> decoded = new ArrayList<>();
    for (byte[] chunk : chunks) {
      decoded.add(CODEC.decodeDelta(chunk));
    }
    assertThat(chunks).hasSizeGreaterThanOrEqualTo(4);
    assertThat(Crdts.joinAll(decoded)).isEqualTo(big);
    assertThat(CODEC.encodeChunks(OrMapDelta.empty())).isEmpty();
  }

  @Test
  void theConfigurationRefusesBoundsThatCannotCarryOneEntry() {
    assertThatThrownBy(() -> CrdtConfig.defaults().withLimits(8, 255, 16 * 1024, 1024, 16, 4))
        .hasMessageContaining("max-total-bytes");
    assertThatThrownBy(() -> CrdtConfig.defaults().withLimits(0, 16, 64, 2048, 16, 4))
        .hasMessageContaining("max-entries");
    assertThatThrownBy(() -> CrdtConfig.defaults().withMaxClockOffset(Duration.ZERO))
        .hasMessageContaining("max-clock-offset");
    assertThat(CrdtConfig.defaults().maxClockOffset()).hasSeconds(60);
  }

  private static void assertRefused(byte[] bytes, String reason) {
    assertThatThrownBy(() -> CODEC.decodeDelta(bytes)).isInstanceOf(CrdtDecodeException.class)
        .hasMessageContaining(reason)
        .matches(e -> !((CrdtDecodeException) e).oversized(), "not marked oversized");
  }

  private static void assertOversized(byte[] bytes, String reason) {
    assertThatThrownBy(() -> CODEC.decodeDelta(bytes)).isInstanceOf(CrdtDecodeException.class)
        .hasMessageContaining(reason)
        .matches(e -> ((CrdtDecodeException) e).oversized(), "marked oversized");
  }

  private static void assertDigestRefused(String hex, String reason) {
    assertThatThrownBy(() -> CODEC.decodeDigest(bytes(hex))).isInstanceOf(CrdtDecodeException.class)
        .hasMessageContaining(reason);
  }
}
