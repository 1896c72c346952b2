package io.barrel.p2p.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the stream header decoder: for any bytes, only NeedMore, a canonical header, or a
 * {@link StreamHeaderException} come out, and every prefix agrees with the longer input.
 */
class StreamHeaderFuzzTest {

  @FuzzTest
  void decodeHeaderPrefixes(byte[] input) {
    StreamHeaderChecks.checkPrefixesAgree(input);
  }
}
