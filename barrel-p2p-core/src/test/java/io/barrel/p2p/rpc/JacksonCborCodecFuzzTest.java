package io.barrel.p2p.rpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Fuzzes argument decoding, the codec's exposure to a peer's bytes: the first input byte picks a
 * method of {@link CodecFixtures.Codecs}, the rest are its arguments. Whatever the bytes, the only
 * exception is {@link RpcCodecException} (no stack overflow, no out-of-memory, no other Jackson
 * error leaking), and whatever decodes encodes again. Seeds live in
 * {@code JacksonCborCodecFuzzTestInputs/decodeArguments}.
 */
class JacksonCborCodecFuzzTest {

  private static final JacksonCborCodec CODEC = new JacksonCborCodec(RpcLimits.defaults().withMaxFrameBytes(4096)
      .withMaxNestingDepth(32));
  private static final List<Method> METHODS = Arrays.stream(CodecFixtures.Codecs.class.getMethods())
      .filter(m -> m.getTypeParameters().length == 0)
      .sorted(Comparator.comparing(MethodId::signature))
      .toList();

  @FuzzTest
  void decodeArguments(byte[] input) {
    if (input.length == 0) {
      return;
    }
    Method method = METHODS.get((input[0] & 0xff) % METHODS.size());
    byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
    Object[] args;
    try {
      args = CODEC.decodeArguments(method, bytes);
    } catch (RpcCodecException expected) {
      return;
    }
    CODEC.encodeArguments(method, args);
  }
}
