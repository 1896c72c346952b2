package io.barrel.p2p.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class TrustPinFilePropertyTest {

  private static final String FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  private static final String REST = FIRST + ".-";

  @Property(tries = 40)
  void anyPinSurvivesARestart(@ForAll("nodes") NodeName node, @ForAll @Size(32) byte[] key) throws IOException {
    Path dir = Files.createTempDirectory("pins");
    try {
      new TrustStore(dir, TrustMode.STRICT).pin(node, key);

      TrustStore restarted = new TrustStore(dir, TrustMode.STRICT);

      assertThat(restarted.list()).hasSize(1);
      TrustPin pin = restarted.lookup(node).orElseThrow();
      assertThat(pin.publicKey()).isEqualTo(key);
      assertThat(pin.level()).isEqualTo(PinLevel.PERMANENT);
      assertThat(restarted.check(node, key)).isEqualTo(TrustVerdict.PINNED);
    } finally {
      deleteTree(dir);
    }
  }

  @Provide
  Arbitrary<NodeName> nodes() {
    Arbitrary<String> part = Combinators.combine(
        Arbitraries.of(FIRST.chars().mapToObj(c -> (char) c).toList()),
        Arbitraries.strings().withChars(REST.toCharArray()).ofMaxLength(40))
        .as((first, rest) -> first + rest);
    return Combinators.combine(part, part).as((n, h) -> NodeName.of(n + "@" + h));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
