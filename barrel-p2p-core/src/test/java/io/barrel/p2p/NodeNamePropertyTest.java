package io.barrel.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class NodeNamePropertyTest {

  private static final String FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  private static final String REST = FIRST + ".-";
  /** The rules of NodeName restated independently, as the oracle. */
  private static final Pattern RULES = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*@[A-Za-z0-9_][A-Za-z0-9_.-]*");

  @Property
  void validNamesRoundTripThroughTextAndWireBytes(@ForAll("validNames") String text) {
    NodeName name = NodeName.of(text);

    assertThat(name.toString()).isEqualTo(text);
    assertThat(name.name() + "@" + name.host()).isEqualTo(text);
    assertThat(NodeName.tryParse(name.toBytes())).contains(name);
    assertThat(NodeName.tryParse(text)).contains(name);
  }

  @Property
  void aForbiddenCharacterAnywhereIsNeverAccepted(
      @ForAll("validNames") String text, @ForAll("forbiddenChars") char bad, @ForAll int position) {
    int at = Math.floorMod(position, text.length() + 1);
    String broken = text.substring(0, at) + bad + text.substring(at);

    assertThat(NodeName.tryParse(broken)).isEmpty();
    assertThat(NodeName.tryParse(broken.getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Property
  void anySequenceOfBytesIsAcceptedExactlyWhenItFollowsTheRules(@ForAll byte[] bytes) {
    String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
    boolean valid = bytes.length <= NodeName.MAX_LENGTH && RULES.matcher(latin1).matches();

    assertThat(NodeName.tryParse(bytes).isPresent()).isEqualTo(valid);
  }

  @Property
  void anyStringIsAcceptedExactlyWhenItFollowsTheRules(@ForAll("nameLikeStrings") String text) {
    boolean valid = text.length() <= NodeName.MAX_LENGTH && RULES.matcher(text).matches();

    assertThat(NodeName.tryParse(text).isPresent()).isEqualTo(valid);
  }

  @Provide
  Arbitrary<String> validNames() {
    Arbitrary<String> part = Combinators.combine(
        Arbitraries.of(FIRST.chars().mapToObj(c -> (char) c).toList()),
        Arbitraries.strings().withChars(REST.toCharArray()).ofMaxLength(60))
        .as((first, rest) -> first + rest);
    return Combinators.combine(part, part).as((n, h) -> n + "@" + h);
  }

  @Provide
  Arbitrary<Character> forbiddenChars() {
    return Arbitraries.chars().filter(c -> c != '@' && REST.indexOf(c) < 0);
  }

  /** Mostly the name alphabet plus '@' and a few troublemakers, so valid and invalid both turn up often. */
  @Provide
  Arbitrary<String> nameLikeStrings() {
    return Arbitraries.strings().withChars((REST + "@/\\ :\u00e9\u0000").toCharArray()).ofMaxLength(300);
  }
}
