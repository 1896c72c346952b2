package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.crdt.CrdtDecodeException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The registry's value codec and message envelope: round trips, one encoding per value, refusals. */
class ServiceInstanceCodecTest {

  private static final ServiceInstanceCodec CODEC = new ServiceInstanceCodec();

  private static ServiceInstance sample() {
    return new ServiceInstance("com.example.Greeter", NodeName.of("a@h1"), 1_700_000_000_000L, "x1-1",
        new ServiceMetadata("2.1.0", Set.of("eu", "canary"), 50, Map.of("zone", "b", "port", "9000")));
  }

  @Test
  void aRegistrationRoundTrips() throws Exception {
    ServiceInstance i = sample();
    assertThat(CODEC.decode(CODEC.encode(i))).isEqualTo(i);
  }

  @Property(tries = 300)
  void everyValidInstanceRoundTripsAndReencodesToTheSameBytes(@ForAll("instances") ServiceInstance i)
      throws Exception {
    byte[] bytes = CODEC.encode(i);
    ServiceInstance back = CODEC.decode(bytes);
    assertThat(back).isEqualTo(i);
    assertThat(CODEC.encode(back)).isEqualTo(bytes);
  }

  @Property(tries = 300)
  void everyTruncationIsRefused(@ForAll("instances") ServiceInstance i, @ForAll("fractions") double f) {
    byte[] bytes = CODEC.encode(i);
    byte[] cut = Arrays.copyOf(bytes, (int) (bytes.length * f));
    assertThatThrownBy(() -> CODEC.decode(cut)).isInstanceOf(CrdtDecodeException.class);
  }

  @Test
  void trailingBytesUnknownVersionsUnsortedTagsAndBadNamesAreRefused() {
    byte[] bytes = CODEC.encode(sample());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> CODEC.decode(longer)).hasMessageContaining("after a service instance");
    byte[] version = bytes.clone();
    version[0] = 9;
    assertThatThrownBy(() -> CODEC.decode(version)).hasMessageContaining("unknown service instance format");

    ServiceInstance twoTags = new ServiceInstance("s", NodeName.of("a@h"), 1, "i",
        ServiceMetadata.EMPTY.withTags(Set.of("aa", "bb")));
    byte[] swapped = CODEC.encode(twoTags);
    String text = new String(swapped, java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] reordered = text.replace("\u0002aa\u0002bb", "\u0002bb\u0002aa").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> CODEC.decode(reordered)).hasMessageContaining("out of order");

    byte[] badNode = CODEC.encode(new ServiceInstance("s", NodeName.of("a@h"), 1, "i", ServiceMetadata.EMPTY));
    int at = new String(badNode, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf('@');
    badNode[at] = '!';
    assertThatThrownBy(() -> CODEC.decode(badNode)).isInstanceOf(CrdtDecodeException.class)
        .hasMessageContaining("invalid service instance");
  }

  @Test
  void metadataBoundsAreCheckedWhenRegistering() {
    assertThatThrownBy(() -> ServiceMetadata.EMPTY.withWeight(0)).hasMessageContaining("weight");
    assertThatThrownBy(() -> ServiceMetadata.EMPTY.withVersion("v".repeat(65))).hasMessageContaining("version");
    assertThatThrownBy(() -> ServiceMetadata.EMPTY.withTags(Set.of(""))).hasMessageContaining("tag");
    assertThatThrownBy(() -> ServiceInstance.checkServiceName("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ServiceInstance.checkServiceName("s".repeat(256))).hasMessageContaining("service name");
  }

  @Test
  void registryMessagesRoundTripAndMalformedOnesAreRefused() {
    Lease lease = new Lease(NodeName.of("a@h"), 5, 7);
    for (RegistryMessage m : new RegistryMessage[] {new RegistryMessage.Heartbeat(lease, 0xFFFF_FFFFL, -5),
        new RegistryMessage.Delta(77, new byte[] {1, 2}), new RegistryMessage.DigestOffer(9, new byte[] {3}, true),
        new RegistryMessage.Chunk(8, new byte[0])}) {
      RegistryMessage back = RegistryMessage.decode(RegistryMessage.encode(m));
      assertThat(RegistryMessage.encode(back)).isEqualTo(RegistryMessage.encode(m));
    }
    assertThat(((RegistryMessage.Heartbeat) RegistryMessage.decode(RegistryMessage.encode(
        new RegistryMessage.Heartbeat(lease, 0, 0)))).lease()).isEqualTo(lease);
    assertThatThrownBy(() -> RegistryMessage.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RegistryMessage.decode(new byte[] {9})).hasMessageContaining("unknown");
    assertThatThrownBy(() -> RegistryMessage.decode(new byte[] {3, 2})).hasMessageContaining("reply flag");
    assertThatThrownBy(() -> RegistryMessage.decode(new byte[] {1, 0, 0, 0})).hasMessageContaining("delta truncated");
    assertThatThrownBy(() -> RegistryMessage.decode(new byte[] {1, -1, 0, 0, 0, 0, 0, 0, 0}))
        .hasMessageContaining("negative incarnation");
    assertThat(((RegistryMessage.Delta) RegistryMessage.decode(RegistryMessage.encode(
        new RegistryMessage.Delta(77, new byte[] {5})))).incarnation()).isEqualTo(77);
    assertThatThrownBy(() -> RegistryMessage.decode(new byte[] {2, 3, 'a', '@', 'h'})).hasMessageContaining("lease");
  }

  @Provide
  Arbitrary<Double> fractions() {
    return Arbitraries.doubles().between(0, 0.999).ofScale(3);
  }

  @Provide
  Arbitrary<ServiceInstance> instances() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> unicode = Arbitraries.strings().all().ofMaxLength(20)
        .filter(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 64
            && java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s));
    Arbitrary<ServiceMetadata> meta = Combinators.combine(unicode, word.set().ofMaxSize(5),
        Arbitraries.integers().between(1, ServiceMetadata.MAX_WEIGHT), Arbitraries.maps(word, unicode).ofMaxSize(5))
        .as(ServiceMetadata::new);
    return Combinators.combine(word, word, Arbitraries.longs().between(0, Long.MAX_VALUE), word, meta)
        .as((service, host, inc, id, m) -> new ServiceInstance(service, NodeName.of("n@" + host), inc, id, m));
  }
}
