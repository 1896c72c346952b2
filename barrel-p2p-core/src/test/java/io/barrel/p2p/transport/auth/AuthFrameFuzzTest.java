package io.barrel.p2p.transport.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the frame decoder and the incremental reader: whatever the bytes, the only exception is
 * {@link AuthDecodeException}, and every frame that does come out encodes back to the bytes it came
 * from. Seeds live in {@code AuthFrameFuzzTestInputs/decodeAndReadFrames}; how long it fuzzes is set
 * by the build (see barrel-p2p-core/pom.xml).
 */
class AuthFrameFuzzTest {

  /** Chunk sizes that cut frames everywhere: inside the prefix, mid-field, across several frames. */
  private static final int[] CHUNKS = {1, 7, 2, 64, 3, 513, 5, 1024};

  @FuzzTest
  void decodeAndReadFrames(byte[] input) {
    decodeWhole(input);
    readAsStream(input);
  }

  private static void decodeWhole(byte[] input) {
    AuthFrame frame;
    try {
      frame = AuthFrameCodec.decode(input);
    } catch (AuthDecodeException expected) {
      return;
    }
    if (!WireCheck.reencodesTo(frame, input)) {
      throw new AssertionError(frame + " does not re-encode to its input " + Arrays.toString(input));
    }
  }

  private static void readAsStream(byte[] input) {
    AuthFrameReader reader = new AuthFrameReader();
    int at = 0;
    int frameStart = 0;
    int chunk = 0;
    try {
      while (at < input.length) {
        int length = Math.min(CHUNKS[chunk++ % CHUNKS.length], input.length - at);
        List<AuthFrame> frames = reader.feed(input, at, length);
        at += length;
        for (AuthFrame frame : frames) {
          frameStart += checkFrameAt(frame, input, frameStart);
        }
      }
    } catch (AuthDecodeException expected) {
      // the only way malformed input may end
    }
  }

  /** Checks {@code frame} is what the stream held at {@code start}; returns its length with prefix. */
  private static int checkFrameAt(AuthFrame frame, byte[] input, int start) {
    int declared = ((input[start] & 0xff) << 8) | (input[start + 1] & 0xff);
    int end = start + AuthFrameCodec.LENGTH_PREFIX + declared;
    byte[] body = Arrays.copyOfRange(input, start + AuthFrameCodec.LENGTH_PREFIX, end);
    if (!WireCheck.reencodesTo(frame, body)) {
      throw new AssertionError(frame + " read from the stream does not re-encode to its bytes");
    }
    return end - start;
  }
}
