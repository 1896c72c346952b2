package io.barrel.p2p.rpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fuzzes the stream decoder: the first input byte picks a chunk size, the rest is a stream fed in
 * chunks of that size. Whatever the bytes, the only exception is {@link RpcDecodeException}; every
 * frame that comes out encodes back to exactly the bytes it came from; and feeding the same stream
 * in one chunk gives the same frames and the same verdict. Seeds live in
 * {@code RpcFrameDecoderFuzzTestInputs/decodeStream}; how long it fuzzes is set by the build (see
 * barrel-p2p-core/pom.xml).
 */
class RpcFrameDecoderFuzzTest {

  /** Small bounds, so the fuzzer reaches the limit checks with short inputs. */
  private static final RpcFrameCodec CODEC = new RpcFrameCodec(RpcLimits.defaults().withMaxFrameBytes(1024)
      .withHeaders(4, 32).withErrors(64, 4));

  @FuzzTest
  void decodeStream(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int chunk = 1 + (input[0] & 0x3f);
    byte[] stream = Arrays.copyOfRange(input, 1, input.length);

    Outcome chunked = decode(stream, chunk);
    Outcome whole = decode(stream, Math.max(1, stream.length));
    if (!chunked.frames.equals(whole.frames) || !Objects.equals(chunked.problem, whole.problem)) {
      throw new AssertionError("chunks of " + chunk + " gave " + chunked + ", one chunk gave " + whole);
    }
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    for (RpcFrame f : chunked.frames) {
      again.writeBytes(CODEC.encode(f));
    }
    byte[] reencoded = again.toByteArray();
    if (reencoded.length > stream.length || !Arrays.equals(reencoded, Arrays.copyOf(stream, reencoded.length))) {
      throw new AssertionError(chunked.frames + " do not re-encode to the start of " + Arrays.toString(stream));
    }
  }

  private static Outcome decode(byte[] stream, int chunk) {
    RpcFrameDecoder decoder = new RpcFrameDecoder(CODEC);
    List<RpcFrame> frames = new ArrayList<>();
    try {
      for (int at = 0; at < stream.length; at += chunk) {
        decoder.feed(stream, at, Math.min(chunk, stream.length - at), frames::add);
      }
      decoder.end();
      return new Outcome(frames, null);
    } catch (RpcDecodeException e) {
      return new Outcome(frames, e.problem());
    }
  }

  private record Outcome(List<RpcFrame> frames, RpcDecodeException.Problem problem) {}
}
