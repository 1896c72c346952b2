package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AuthFrameCodecPropertyTest {

  @Property(tries = 1000)
  void helloRoundTrips(@ForAll("hellos") AuthFrame frame) throws AuthDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 1000)
  void challengeRoundTrips(@ForAll("challenges") AuthFrame frame) throws AuthDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 1000)
  void responseRoundTrips(@ForAll("responses") AuthFrame frame) throws AuthDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 1000)
  void failRoundTrips(@ForAll("fails") AuthFrame frame) throws AuthDecodeException {
    assertRoundTrip(frame);
  }

  @Property(tries = 10)
  void okRoundTrips() throws AuthDecodeException {
    assertRoundTrip(new AuthFrame.Ok());
  }

  @Property(tries = 2000)
  void randomBytesEitherDecodeCanonicallyOrFailWithADecodeError(@ForAll @Size(max = 600) byte[] bytes) {
    assertDecodesCanonicallyOrRefuses(bytes);
  }

  @Property(tries = 2000)
  void randomBytesWithAKnownTypeByteEitherDecodeCanonicallyOrFailWithADecodeError(
      @ForAll @IntRange(min = 1, max = 5) int type, @ForAll @Size(max = 300) byte[] body) {
    byte[] frame = new byte[body.length + 1];
    frame[0] = (byte) type;
    System.arraycopy(body, 0, frame, 1, body.length);
    assertDecodesCanonicallyOrRefuses(frame);
  }

  @Property(tries = 2000)
  void corruptingOneByteOfAValidFrameNeverThrowsAnythingElse(@ForAll("frames") AuthFrame frame,
      @ForAll @IntRange(min = 0, max = 400) int position, @ForAll byte value) {
    byte[] body = withoutPrefix(AuthFrameCodec.encode(frame));
    body[position % body.length] = value;
    assertDecodesCanonicallyOrRefuses(body);
  }

  @Property(tries = 1000)
  void randomBytesFedToTheReaderOnlyEverRaiseADecodeError(@ForAll @Size(max = 2000) byte[] bytes,
      @ForAll @IntRange(min = 1, max = 600) int chunk) {
    AuthFrameReader reader = new AuthFrameReader();
    try {
      for (int at = 0; at < bytes.length; at += chunk) {
        reader.feed(bytes, at, Math.min(chunk, bytes.length - at));
      }
    } catch (AuthDecodeException expected) {
      assertThat(expected.reason()).isIn(AuthFailureReason.MALFORMED_FRAME,
          AuthFailureReason.UNSUPPORTED_VERSION, AuthFailureReason.INVALID_NODE_NAME);
    }
  }

  @Property(tries = 1000)
  void anyChunkingOfAStreamYieldsTheSameFrames(@ForAll("frameLists") List<AuthFrame> frames,
      @ForAll("cuts") List<Integer> cuts) throws AuthDecodeException {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    frames.forEach(f -> stream.writeBytes(AuthFrameCodec.encode(f)));
    byte[] bytes = stream.toByteArray();
    int[] points = cuts.stream().mapToInt(c -> c % (bytes.length + 1)).sorted().distinct().toArray();

    AuthFrameReader reader = new AuthFrameReader();
    List<AuthFrame> read = new ArrayList<>();
    int from = 0;
    for (int point : points) {
      read.addAll(reader.feed(bytes, from, point - from));
      from = point;
    }
    read.addAll(reader.feed(bytes, from, bytes.length - from));

    assertThat(read).containsExactlyElementsOf(frames);
    assertThat(reader.hasPartialFrame()).isFalse();
  }

  @Property(tries = 1000)
  void oversizedDeclaredLengthIsRefusedFromThePrefixAlone(@ForAll @IntRange(min = 513, max = 65535) int declared) {
    AuthFrameReader reader = new AuthFrameReader();
    byte[] prefix = {(byte) (declared >>> 8), (byte) declared};

    assertThatThrownBy(() -> reader.feed(prefix))
        .isInstanceOfSatisfying(AuthDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(AuthFailureReason.MALFORMED_FRAME))
        .hasMessageContaining(declared + " bytes");
  }

  @Provide
  Arbitrary<AuthFrame> hellos() {
    return AuthFrameArbitraries.hellos();
  }

  @Provide
  Arbitrary<AuthFrame> challenges() {
    return AuthFrameArbitraries.challenges();
  }

  @Provide
  Arbitrary<AuthFrame> responses() {
    return AuthFrameArbitraries.responses();
  }

  @Provide
  Arbitrary<AuthFrame> fails() {
    return AuthFrameArbitraries.fails();
  }

  @Provide
  Arbitrary<AuthFrame> frames() {
    return AuthFrameArbitraries.frames();
  }

  @Provide
  Arbitrary<List<AuthFrame>> frameLists() {
    return AuthFrameArbitraries.frames().list().ofMinSize(1).ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, 100_000).list().ofMaxSize(40);
  }

  private static void assertRoundTrip(AuthFrame frame) throws AuthDecodeException {
    byte[] encoded = AuthFrameCodec.encode(frame);
    int declared = ((encoded[0] & 0xff) << 8) | (encoded[1] & 0xff);
    assertThat(declared).isEqualTo(encoded.length - 2).isBetween(1, AuthFrameCodec.MAX_FRAME_LENGTH);
    assertThat(AuthFrameCodec.decode(withoutPrefix(encoded))).isEqualTo(frame);
    assertThat(new AuthFrameReader().feed(encoded)).containsExactly(frame);
  }

  /** Either a decode error, or a frame that encodes back to the same bytes (see {@link WireCheck}). */
  private static void assertDecodesCanonicallyOrRefuses(byte[] frame) {
    AuthFrame decoded;
    try {
      decoded = AuthFrameCodec.decode(frame);
    } catch (AuthDecodeException refused) {
      return;
    }
    assertThat(WireCheck.reencodesTo(decoded, frame)).as("%s re-encodes to %s", decoded, Arrays.toString(frame))
        .isTrue();
  }

  private static byte[] withoutPrefix(byte[] encoded) {
    return Arrays.copyOfRange(encoded, 2, encoded.length);
  }
}
