package io.barrel.p2p.transport;

import io.barrel.p2p.transport.StreamHeaderCodec.Complete;
import io.barrel.p2p.transport.StreamHeaderCodec.NeedMore;
import io.barrel.p2p.transport.StreamHeaderCodec.Progress;
import java.util.Arrays;

/** Invariants of the incremental header decoder, shared by the property test and the fuzz target. */
final class StreamHeaderChecks {

  private StreamHeaderChecks() {}

  /**
   * Decodes every prefix of {@code bytes} (up to one past the longest header) and checks they agree:
   * only NeedMore, Complete or StreamHeaderException ever come out; NeedMore is followed by more of
   * the same until a verdict; once a header is complete or refused, longer inputs say the same; and
   * a complete header encodes back to exactly the bytes it consumed.
   */
  static void checkPrefixesAgree(byte[] bytes) {
    int limit = Math.min(bytes.length, StreamHeaderCodec.MAX_HEADER_LENGTH + 1);
    Object verdict = null;
    for (int length = 0; length <= limit; length++) {
      Object now = decode(bytes, length);
      if (verdict != null) {
        check(sameVerdict(verdict, now), "prefix of " + length + " bytes changed the verdict from " + verdict
            + " to " + now);
        continue;
      }
      if (now instanceof NeedMore) {
        check(length < StreamHeaderCodec.MAX_HEADER_LENGTH, "needed more than the longest header");
        continue;
      }
      if (now instanceof Complete complete) {
        byte[] again = StreamHeaderCodec.encode(complete.header());
        check(complete.consumed() == length, "a header completed at " + length + " claims " + complete.consumed());
        check(Arrays.equals(again, Arrays.copyOf(bytes, complete.consumed())), complete + " is not canonical");
      }
      verdict = now;
    }
  }

  private static Object decode(byte[] bytes, int length) {
    try {
      Progress progress = StreamHeaderCodec.decode(bytes, 0, length);
      if (progress == null) {
        throw new AssertionError("decode returned null");
      }
      return progress;
    } catch (StreamHeaderException e) {
      return e.problem();
    }
  }

  private static boolean sameVerdict(Object before, Object now) {
    return before.equals(now);
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
