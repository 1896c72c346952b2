package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Whatever an exception holds, the failure frame built from it fits the limits and survives the codec. */
class RemoteErrorsPropertyTest {

  @Property(tries = 500)
  void failuresFromAnyExceptionFitTheLimitsAndRoundTrip(@ForAll("messages") String message,
      @ForAll @IntRange(min = 0, max = 200) int depth, @ForAll @IntRange(min = 0, max = 64) int messageLimit,
      @ForAll @IntRange(min = 0, max = 8) int stackLimit) throws RpcDecodeException {
    RpcLimits limits = RpcLimits.defaults().withErrors(messageLimit, stackLimit);
    RuntimeException thrown = new RuntimeException(message);
    StackTraceElement[] stack = new StackTraceElement[depth];
    for (int i = 0; i < depth; i++) {
      stack[i] = new StackTraceElement("c" + message, "m" + i, i % 2 == 0 ? null : message, i);
    }
    thrown.setStackTrace(stack);
    RpcFrameCodec codec = new RpcFrameCodec(limits);

    RpcFrame.Failure failure = new RemoteErrors(limits).application(3, thrown);

    assertThat(WireStrings.utf8Length(failure.message())).isLessThanOrEqualTo(messageLimit);
    assertThat(failure.stack()).hasSize(Math.min(depth, stackLimit));
    if (WireStrings.isWellFormed(message)) {
      assertThat(message).startsWith(failure.message());
    } else {
      assertThat(failure.message()).hasSizeLessThanOrEqualTo(message.length());
    }
    assertThat(codec.decode(codec.encode(failure))).isEqualTo(failure);
  }

  @Provide
  Arbitrary<String> messages() {
    Arbitrary<String> withLoneSurrogates = Arbitraries.strings().withCharRange((char) 0xd7f0, (char) 0xe010)
        .ofMaxLength(40);
    return Arbitraries.oneOf(RpcFrameArbitraries.text(0, 100), withLoneSurrogates,
        Arbitraries.strings().ofMaxLength(2000));
  }
}
