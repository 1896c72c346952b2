package io.barrel.p2p.membership;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes the membership decoder: whatever the bytes, the only exception is
 * {@link MembershipDecodeException}, and every message that comes out encodes back to the bytes it
 * came from. Seeds live in {@code MembershipCodecFuzzTestInputs/decodeMembershipMessage}; how long
 * it fuzzes is set by the build (see barrel-p2p-core/pom.xml).
 */
class MembershipCodecFuzzTest {

  @FuzzTest
  void decodeMembershipMessage(byte[] input) {
    MembershipMessage message;
    try {
      message = MembershipCodec.decode(input);
    } catch (MembershipDecodeException expected) {
      return;
    }
    byte[] again = MembershipCodec.encode(message);
    if (!Arrays.equals(again, input)) {
      throw new AssertionError(message + " does not re-encode to its input " + Arrays.toString(input));
    }
  }
}
