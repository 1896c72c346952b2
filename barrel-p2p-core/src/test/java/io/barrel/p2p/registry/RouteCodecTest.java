package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.registry.RegistryMessage.RouteOutcome;
import io.barrel.p2p.registry.RegistryMessage.RouteReply;
import io.barrel.p2p.registry.RegistryMessage.RouteRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The overlay's route messages on the wire: round trips, one encoding each, and every refusal. */
class RouteCodecTest {

  private static final NodeName A = NodeName.of("a@h");
  private static final ServiceInstance INSTANCE = new ServiceInstance("svc", NodeName.of("b@h"), 5, "b-1",
      ServiceMetadata.EMPTY.withVersion("1.0").withTags(Set.of("eu")));

  @Property(tries = 500)
  void requestsRoundTripByteForByte(@ForAll("requests") RouteRequest request) {
    byte[] bytes = RegistryMessage.encode(request);
    RegistryMessage back = RegistryMessage.decode(bytes);
    assertThat(back).isEqualTo(request);
    assertThat(RegistryMessage.encode(back)).isEqualTo(bytes);
  }

  @Property(tries = 500)
  void repliesRoundTripByteForByte(@ForAll("replies") RouteReply reply) {
    byte[] bytes = RegistryMessage.encode(reply);
    RegistryMessage back = RegistryMessage.decode(bytes);
    assertThat(back).isEqualTo(reply);
    assertThat(RegistryMessage.encode(back)).isEqualTo(bytes);
  }

  @Test
  void theLongestMessagesEncodeToExactlyTheirBounds() {
    // 255-character names: "n" x 253 + "@h"; 32 of them visited; a 255-byte service name
    List<NodeName> visited = new ArrayList<>();
    for (int i = 0; i < RegistryMessage.MAX_VISITED; i++) {
      visited.add(NodeName.of(String.format("%0253d", i) + "@h"));
    }
    NodeName origin = NodeName.of("o".repeat(253) + "@h");
    String service = "s".repeat(ServiceInstance.MAX_SERVICE_BYTES);
    assertThat(RegistryMessage.encode(new RouteRequest(Long.MAX_VALUE, origin, service, OverlayConfig.MAX_TTL,
        OverlayConfig.MAX_TIMEOUT_MILLIS, visited))).hasSize(RouteCodec.maxRequestBytes());
    int instanceBytes = new ServiceInstanceCodec().encode(INSTANCE).length;
    assertThat(RegistryMessage.encode(new RouteReply(Long.MAX_VALUE, origin, RouteOutcome.FOUND, visited,
        Optional.of(INSTANCE)))).hasSize(RouteCodec.maxReplyBytes(instanceBytes));
    // without an instance a reply is the found one less the instance and its length
    assertThat(RegistryMessage.encode(new RouteReply(1, origin, RouteOutcome.NOT_FOUND, visited, Optional.empty())))
        .hasSize(RouteCodec.maxReplyBytes(0) - 2);
  }

  @Test
  void theFuzzSeedsAreValidMessages() throws IOException {
    for (String seed : List.of("request", "request-ttl0", "reply-found", "reply-not-found", "reply-overloaded")) {
      try (InputStream in = getClass().getResourceAsStream("RouteCodecFuzzTestInputs/decodeRouteMessages/" + seed)) {
        byte[] bytes = in.readAllBytes();
        assertThat(RegistryMessage.encode(RegistryMessage.decode(bytes))).as(seed).isEqualTo(bytes);
      }
    }
  }

  @Test
  void outOfRangeFieldsAreRefused() {
    byte[] ok = RegistryMessage.encode(new RouteRequest(1, A, "svc", 4, 3_000, List.of(A)));
    int ttlAt = 1 + 8 + 1 + 3 + 2 + 3;
    byte[] ttl = ok.clone();
    ttl[ttlAt] = 17;
    assertThatThrownBy(() -> RegistryMessage.decode(ttl)).hasMessageContaining("ttl");
    byte[] budget = ok.clone();
    ByteBuffer.wrap(budget, ttlAt + 1, 4).putInt(60_001);
    assertThatThrownBy(() -> RegistryMessage.decode(budget)).hasMessageContaining("budget");
    byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
    assertThatThrownBy(() -> RegistryMessage.decode(trailing)).hasMessageContaining("after a route message");
    for (int cut = 1; cut < ok.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(ok, cut);
      assertThatThrownBy(() -> RegistryMessage.decode(truncated)).as("cut at %s", cut)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void tooManyVisitedNamesBadNamesAndBadServiceNamesAreRefused() {
    List<NodeName> many = new ArrayList<>();
    for (int i = 0; i < RegistryMessage.MAX_VISITED; i++) {
      many.add(NodeName.of("n" + i + "@h"));
    }
    byte[] full = RegistryMessage.encode(new RouteRequest(1, A, "s", 1, 10, many));
    int countAt = 1 + 8 + 1 + 3 + 2 + 1 + 1 + 4;
    assertThat(full[countAt]).isEqualTo((byte) RegistryMessage.MAX_VISITED);
    full[countAt]++;
    assertThatThrownBy(() -> RegistryMessage.decode(full)).hasMessageContaining("visited");
    many.add(A);
    assertThatThrownBy(() -> new RouteRequest(1, A, "s", 1, 10, many)).hasMessageContaining("visited");

    byte[] badName = RegistryMessage.encode(new RouteRequest(1, A, "s", 1, 10, List.of()));
    badName[1 + 8 + 1 + 1] = '#';
    assertThatThrownBy(() -> RegistryMessage.decode(badName)).hasMessageContaining("node name");
    byte[] badUtf8 = RegistryMessage.encode(new RouteRequest(1, A, "s", 1, 10, List.of()));
    badUtf8[1 + 8 + 1 + 3 + 2] = (byte) 0xC3;
    assertThatThrownBy(() -> RegistryMessage.decode(badUtf8)).hasMessageContaining("UTF-8");
    byte[] empty = RegistryMessage.encode(new RouteRequest(1, A, "s", 1, 10, List.of()));
    byte[] noService = new byte[empty.length - 1];
    System.arraycopy(empty, 0, noService, 0, 1 + 8 + 1 + 3);
    noService[1 + 8 + 1 + 3 + 1] = 0;
    System.arraycopy(empty, 1 + 8 + 1 + 3 + 3, noService, 1 + 8 + 1 + 3 + 2, empty.length - (1 + 8 + 1 + 3 + 3));
    assertThatThrownBy(() -> RegistryMessage.decode(noService)).hasMessageContaining("empty");
  }

  @Test
  void aReplyCarriesAnInstanceExactlyWhenFoundAndAnUnknownOutcomeIsRefused() {
    assertThatThrownBy(() -> new RouteReply(1, A, RouteOutcome.FOUND, List.of(), Optional.empty()))
        .hasMessageContaining("exactly when");
    assertThatThrownBy(() -> new RouteReply(1, A, RouteOutcome.NOT_FOUND, List.of(), Optional.of(INSTANCE)))
        .hasMessageContaining("exactly when");
    byte[] bytes = RegistryMessage.encode(new RouteReply(1, A, RouteOutcome.NOT_FOUND, List.of(), Optional.empty()));
    bytes[1 + 8 + 1 + 3] = 3;
    assertThatThrownBy(() -> RegistryMessage.decode(bytes)).hasMessageContaining("outcome");
    byte[] found = RegistryMessage.encode(new RouteReply(1, A, RouteOutcome.FOUND, List.of(), Optional.of(INSTANCE)));
    found[found.length - 1] ^= 0x7F;
    found[1 + 8 + 1 + 3 + 1 + 1 + 2] = 9; // the instance's format version
    assertThatThrownBy(() -> RegistryMessage.decode(found)).hasMessageContaining("instance");
  }

  @Provide
  Arbitrary<RouteRequest> requests() {
    return Combinators.combine(Arbitraries.longs(), names(), services(), Arbitraries.integers().between(0, 16),
        Arbitraries.integers().between(0, 60_000), names().list().ofMaxSize(RegistryMessage.MAX_VISITED))
        .as(RouteRequest::new);
  }

  @Provide
  Arbitrary<RouteReply> replies() {
    Arbitrary<Optional<ServiceInstance>> found = Combinators.combine(services(), names(),
        Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20))
        .as((s, n, inc, id) -> Optional.of(new ServiceInstance(s, n, inc, id, ServiceMetadata.EMPTY)));
    return Combinators.combine(Arbitraries.longs(), names(), Arbitraries.of(RouteOutcome.values()),
        names().list().ofMaxSize(RegistryMessage.MAX_VISITED), found)
        .as((search, origin, outcome, visited, instance) -> new RouteReply(search, origin, outcome, visited,
            outcome == RouteOutcome.FOUND ? instance : Optional.empty()));
  }

  private static Arbitrary<NodeName> names() {
    Arbitrary<String> part = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(40);
    return Combinators.combine(part, part).as((n, h) -> NodeName.of(n + "@" + h));
  }

  private static Arbitrary<String> services() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(60)
        .filter(s -> !s.isEmpty() && s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255
            && java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s));
  }
}
