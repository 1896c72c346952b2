package io.barrel.p2p.broadcast;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes the broadcast decoder: whatever the bytes, the only exception is
 * {@link BroadcastDecodeException}, and every message that does come out encodes back to the bytes
 * it came from. Seeds live in {@code BroadcastCodecFuzzTestInputs/decodeMessages}; how long it
 * fuzzes is set by the build (see barrel-p2p-core/pom.xml).
 */
class BroadcastCodecFuzzTest {

  /** Small bounds, so the fuzzer reaches the limit checks with short inputs. */
  private static final BroadcastCodec CODEC = new BroadcastCodec(512, 8);

  @FuzzTest
  void decodeMessages(byte[] input) {
    BroadcastMessage message;
    try {
      message = CODEC.decode(input);
    } catch (BroadcastDecodeException expected) {
      return;
    }
    byte[] again = CODEC.encode(message);
    if (!Arrays.equals(again, input)) {
      throw new AssertionError(message + " does not re-encode to its input " + Arrays.toString(input));
    }
  }
}
