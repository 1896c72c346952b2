package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.RpcFrameArbitraries.CODEC;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RpcFrameCodecPropertyTest {

  @Property(tries = 500)
  void requestsRoundTrip(@ForAll("requests") RpcFrame frame) throws RpcDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 300)
  void responsesRoundTrip(@ForAll("responses") RpcFrame frame) throws RpcDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 500)
  void failuresRoundTrip(@ForAll("failures") RpcFrame frame) throws RpcDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 200)
  void cancelsRoundTrip(@ForAll("cancels") RpcFrame frame) throws RpcDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 300)
  void streamItemsRoundTrip(@ForAll("streamItems") RpcFrame frame) throws RpcDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 200)
  void streamEndsRoundTrip(@ForAll("streamEnds") RpcFrame frame) throws RpcDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 300)
  void demandsRoundTrip(@ForAll("demands") RpcFrame frame) throws RpcDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 300)
  void aStreamOfFramesCutAnywhereDecodesToTheSameFrames(@ForAll("frameLists") List<RpcFrame> frames,
      @ForAll long seed) throws RpcDecodeException {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (RpcFrame f : frames) {
      stream.writeBytes(CODEC.encode(f));
    }
    byte[] bytes = stream.toByteArray();
    RpcFrameDecoder decoder = new RpcFrameDecoder(CODEC);
    List<RpcFrame> decoded = new ArrayList<>();
    Random random = new Random(seed);
    int at = 0;
    while (at < bytes.length) {
      int chunk = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 8 : 600));
      decoder.feed(bytes, at, chunk, decoded::add);
      at += chunk;
      assertThat(decoder.bufferCapacity()).as("buffer bounded by what arrived")
          .isLessThanOrEqualTo(Math.max(256, 2 * decoder.bufferedBytes()));
    }
    decoder.end();
    assertThat(decoded).isEqualTo(frames);
  }

  @Property(tries = 1000)
  void randomBytesEitherDecodeCanonicallyOrFailWithADecodeError(@ForAll @Size(max = 300) byte[] bytes) {
    assertDecodesCanonicallyOrRefuses(bytes);
  }

  @Property(tries = 1000)
  void randomBodiesBehindAValidHeaderEitherDecodeCanonicallyOrFailWithADecodeError(
      @ForAll @IntRange(min = 1, max = 7) int type, @ForAll @Size(max = 300) byte[] body) {
    byte[] frame = new byte[6 + body.length];
    int length = 2 + body.length;
    frame[0] = (byte) (length >>> 24);
    frame[1] = (byte) (length >>> 16);
    frame[2] = (byte) (length >>> 8);
    frame[3] = (byte) length;
    frame[4] = RpcFrameCodec.VERSION;
    frame[5] = (byte) type;
    System.arraycopy(body, 0, frame, 6, body.length);
    assertDecodesCanonicallyOrRefuses(frame);
  }

  @Property(tries = 1000)
  void corruptingOneByteOfAValidFrameNeverThrowsAnythingElse(@ForAll("frames") RpcFrame frame,
      @ForAll @IntRange(min = 0, max = 100_000) int position, @ForAll byte value) {
    byte[] bytes = CODEC.encode(frame);
    bytes[position % bytes.length] = value;
    assertDecodesCanonicallyOrRefuses(bytes);
  }

  @Property(tries = 500)
  void aTruncatedFrameIsRefusedWholeAndLeftPendingByTheStreamDecoder(@ForAll("frames") RpcFrame frame,
      @ForAll @IntRange(min = 1, max = 100_000) int cut) throws RpcDecodeException {
    byte[] bytes = CODEC.encode(frame);
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1 - cut % (bytes.length - 1));
    try {
      CODEC.decode(truncated);
      throw new AssertionError(frame + " truncated to " + truncated.length + " bytes still decoded");
    } catch (RpcDecodeException expected) {
      assertThat(expected.problem()).isEqualTo(RpcDecodeException.Problem.TRUNCATED);
    }
    RpcFrameDecoder decoder = new RpcFrameDecoder(CODEC);
    assertThat(decoder.feed(truncated)).isEmpty();
    assertThat(decoder.bufferedBytes()).isEqualTo(truncated.length);
    try {
      decoder.end();
      throw new AssertionError("a stream ending inside a frame was accepted");
    } catch (RpcDecodeException expected) {
      assertThat(expected.problem()).isEqualTo(RpcDecodeException.Problem.TRUNCATED);
    }
  }

  @Provide
  Arbitrary<RpcFrame> requests() {
    return RpcFrameArbitraries.requests();
  }

  @Provide
  Arbitrary<RpcFrame> responses() {
    return RpcFrameArbitraries.responses();
  }

  @Provide
  Arbitrary<RpcFrame> failures() {
    return RpcFrameArbitraries.failures();
  }

  @Provide
  Arbitrary<RpcFrame> cancels() {
    return RpcFrameArbitraries.cancels();
  }

  @Provide
  Arbitrary<RpcFrame> streamItems() {
    return RpcFrameArbitraries.streamItems();
  }

  @Provide
  Arbitrary<RpcFrame> streamEnds() {
    return RpcFrameArbitraries.streamEnds();
  }

  @Provide
  Arbitrary<RpcFrame> demands() {
    return RpcFrameArbitraries.demands();
  }

  @Provide
  Arbitrary<RpcFrame> frames() {
    return RpcFrameArbitraries.frames();
  }

  @Provide
  Arbitrary<List<RpcFrame>> frameLists() {
    return RpcFrameArbitraries.frames().list().ofMinSize(1).ofMaxSize(8);
  }

  private static void assertRoundTrip(RpcFrame frame) throws RpcDecodeException {
    byte[] encoded = CODEC.encode(frame);
    assertThat(CODEC.decode(encoded)).isEqualTo(frame);
    assertThat(new RpcFrameDecoder(CODEC).feed(encoded)).containsExactly(frame);
    // Byte at a time: every split point of the frame.
    RpcFrameDecoder slow = new RpcFrameDecoder(CODEC);
    List<RpcFrame> out = new ArrayList<>();
    for (int i = 0; i < encoded.length; i++) {
      slow.feed(encoded, i, 1, out::add);
    }
    assertThat(out).containsExactly(frame);
  }

  /** Either a decode error, or one frame that encodes back to exactly the same bytes; and the stream decoder agrees. */
  static void assertDecodesCanonicallyOrRefuses(byte[] bytes) {
    RpcFrame decoded;
    try {
      decoded = CODEC.decode(bytes);
    } catch (RpcDecodeException refused) {
      return;
    }
    assertThat(CODEC.encode(decoded)).as("%s re-encodes to its input", decoded).isEqualTo(bytes);
  }
}
