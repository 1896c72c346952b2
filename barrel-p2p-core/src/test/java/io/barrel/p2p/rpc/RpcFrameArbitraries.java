package io.barrel.p2p.rpc;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid RPC frames for property tests, within {@link #LIMITS}. */
final class RpcFrameArbitraries {

  /** Small enough for quick tries, large enough for every generated frame. */
  static final RpcLimits LIMITS = RpcLimits.defaults().withMaxFrameBytes(256 * 1024).withHeaders(16, 512)
      .withErrors(2048, 16);
  static final RpcFrameCodec CODEC = new RpcFrameCodec(LIMITS);

  private RpcFrameArbitraries() {}

  /** Text with ASCII, Latin-1, CJK and characters outside the BMP (surrogate pairs), never a lone surrogate. */
  static Arbitrary<String> text(int minCodePoints, int maxCodePoints) {
    Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0x20, 0x7e)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0x1f)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xa0, 0x7ff)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x3040, 0x9fff)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x1f300, 0x1faff)));
    return codePoint.list().ofMinSize(minCodePoints).ofMaxSize(maxCodePoints).map(cps -> {
      StringBuilder out = new StringBuilder();
      cps.forEach(out::appendCodePoint);
      return out.toString();
    });
  }

  static Arbitrary<Long> callIds() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 1000), Arbitraries.longs());
  }

  static Arbitrary<String> services() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').withChars('.', '$').ofMinLength(1).ofMaxLength(80),
        text(1, 200));
  }

  static Arbitrary<String> headerKeys() {
    return Arbitraries.strings().withCharRange((char) 0x21, (char) 0x7e).ofMinLength(1)
        .ofMaxLength(RpcLimits.MAX_HEADER_KEY_LENGTH);
  }

  static Arbitrary<Map<String, String>> headers() {
    return Arbitraries.maps(headerKeys(), text(0, 120)).ofMaxSize(LIMITS.maxHeaders());
  }

  static Arbitrary<byte[]> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(2048);
  }

  static Arbitrary<Long> timeouts() {
    return Arbitraries.oneOf(Arbitraries.just(RpcFrame.NO_TIMEOUT), Arbitraries.longs().between(1, 60_000),
        Arbitraries.longs().between(0, RpcFrame.MAX_TIMEOUT_MILLIS));
  }

  static Arbitrary<RpcFrame> requests() {
    return Combinators.combine(callIds(), services(), Arbitraries.longs().map(MethodId::new),
            Arbitraries.of(CallMode.class), timeouts(), headers(), payloads())
        .as(RpcFrame.Request::new);
  }

  static Arbitrary<RpcFrame> responses() {
    return Combinators.combine(callIds(), payloads()).as(RpcFrame.Response::new);
  }

  static Arbitrary<StackTraceElement> stackFrames() {
    Arbitrary<String> file = Arbitraries.oneOf(Arbitraries.just(null), text(1, 40));
    return Combinators.combine(text(0, 100), text(0, 40), file, Arbitraries.integers())
        .as(StackTraceElement::new);
  }

  static Arbitrary<RpcFrame> failures() {
    Arbitrary<List<StackTraceElement>> stacks = stackFrames().list().ofMaxSize(LIMITS.maxStackFrames());
    return Combinators.combine(callIds(), Arbitraries.of(FailureKind.class), text(0, 120), text(0, 400), stacks)
        .as(RpcFrame.Failure::new);
  }

  static Arbitrary<RpcFrame> cancels() {
    return callIds().map(RpcFrame.Cancel::new);
  }

  static Arbitrary<RpcFrame> streamItems() {
    return Combinators.combine(callIds(), payloads()).as(RpcFrame.StreamItem::new);
  }

  static Arbitrary<RpcFrame> streamEnds() {
    return callIds().map(RpcFrame.StreamEnd::new);
  }

  static Arbitrary<RpcFrame> demands() {
    return Combinators.combine(callIds(),
        Arbitraries.oneOf(Arbitraries.longs().between(1, 64), Arbitraries.longs().between(1, Long.MAX_VALUE)))
        .as(RpcFrame.Demand::new);
  }

  static Arbitrary<RpcFrame> frames() {
    return Arbitraries.oneOf(requests(), responses(), failures(), cancels(), streamItems(), streamEnds(), demands());
  }
}
