package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid handshake frames for property tests. */
final class AuthFrameArbitraries {

  private AuthFrameArbitraries() {}

  static Arbitrary<byte[]> bytes(int size) {
    return Arbitraries.bytes().array(byte[].class).ofSize(size);
  }

  /** Valid node names, up to the 255-byte limit. */
  static Arbitrary<NodeName> nodeNames() {
    return Combinators.combine(namePart(), namePart()).as((n, h) -> NodeName.of(n + "@" + h));
  }

  private static Arbitrary<String> namePart() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('A', 'Z').range('0', '9').with('_');
    Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').withChars('_', '.', '-').ofMinLength(0).ofMaxLength(126);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  /** HELLOs of every version; those of versions 1 and 2 carry no incarnation (0). */
  static Arbitrary<AuthFrame> hellos() {
    return Combinators.combine(Arbitraries.integers().between(0, 255), nodeNames(), bytes(32),
            Arbitraries.longs().between(0, Long.MAX_VALUE))
        .as((version, name, key, life) -> new AuthFrame.Hello(version, name, key,
            version >= AuthFrameCodec.FIRST_VERSION_WITH_INCARNATION ? life : 0));
  }

  static Arbitrary<AuthFrame> challenges() {
    return Combinators.combine(bytes(32), Arbitraries.longs()).as(AuthFrame.Challenge::new);
  }

  static Arbitrary<AuthFrame> responses() {
    return Combinators.combine(bytes(64), bytes(32)).as(AuthFrame.Response::new);
  }

  static Arbitrary<AuthFrame> fails() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange((char) 0x20, (char) 0x7e)
        .ofMinLength(0).ofMaxLength(AuthFrame.MAX_FAIL_TEXT);
    return Combinators.combine(Arbitraries.of(AuthFailureReason.class), text).as(AuthFrame.Fail::new);
  }

  static Arbitrary<AuthFrame> frames() {
    return Arbitraries.oneOf(hellos(), challenges(), responses(), Arbitraries.just(new AuthFrame.Ok()), fails());
  }
}
