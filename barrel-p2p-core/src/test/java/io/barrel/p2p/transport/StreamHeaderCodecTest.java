package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.transport.StreamHeaderCodec.Complete;
import io.barrel.p2p.transport.StreamHeaderCodec.NeedMore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StreamHeaderCodecTest {

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  @Test
  void fixedKindsAreThreeBytes() {
    assertThat(StreamHeaderCodec.encode(new StreamHeader.Auth())).isEqualTo(hex("b7 01 01"));
    assertThat(StreamHeaderCodec.encode(new StreamHeader.Control())).isEqualTo(hex("b7 01 02"));
    assertThat(StreamHeaderCodec.encode(new StreamHeader.Data())).isEqualTo(hex("b7 01 03"));
  }

  @Test
  void appStreamCarriesItsTag() {
    assertThat(StreamHeaderCodec.encode(new StreamHeader.App("chat/v1")))
        .isEqualTo(hex("b7 01 04 07 636861742f7631"));
  }

  @Test
  void decodingStopsAtTheEndOfTheHeaderAndLeavesThePayload() throws StreamHeaderException {
    assertThat(StreamHeaderCodec.decode(hex("b7 01 02 ff ff")))
        .isEqualTo(new Complete(new StreamHeader.Control(), 3));
    assertThat(StreamHeaderCodec.decode(hex("b7 01 04 02 6162 00 00")))
        .isEqualTo(new Complete(new StreamHeader.App("ab"), 6));
  }

  @Test
  void everyStrictPrefixOfAHeaderNeedsMore() throws StreamHeaderException {
    byte[] header = StreamHeaderCodec.encode(new StreamHeader.App("barrel.files"));
    for (int length = 0; length < header.length; length++) {
      assertThat(StreamHeaderCodec.decode(header, 0, length)).as("first %d bytes", length).isInstanceOf(NeedMore.class);
    }
    assertThat(StreamHeaderCodec.decode(header)).isEqualTo(new Complete(new StreamHeader.App("barrel.files"), header.length));
  }

  @Test
  void decodesFromAnOffset() throws StreamHeaderException {
    assertThat(StreamHeaderCodec.decode(hex("00 00 b7 01 03"), 2, 3)).isEqualTo(new Complete(new StreamHeader.Data(), 3));
  }

  @Test
  void wrongMagicIsRefusedAtTheFirstByte() {
    assertProblem(hex("16"), StreamHeaderException.Problem.BAD_MAGIC, "0x16");
  }

  @Test
  void anotherVersionIsRefused() {
    assertProblem(hex("b7 02"), StreamHeaderException.Problem.UNSUPPORTED_VERSION, "version 2");
  }

  @Test
  void unknownKindsAreRefused() {
    assertProblem(hex("b7 01 00"), StreamHeaderException.Problem.UNKNOWN_KIND, "kind 0");
    assertProblem(hex("b7 01 05"), StreamHeaderException.Problem.UNKNOWN_KIND, "kind 5");
    assertProblem(hex("b7 01 ff"), StreamHeaderException.Problem.UNKNOWN_KIND, "kind 255");
  }

  @Test
  void tagLengthsOutsideOneToSixtyFourAreRefused() {
    assertProblem(hex("b7 01 04 00"), StreamHeaderException.Problem.INVALID_TAG, "length 0");
    assertProblem(hex("b7 01 04 41"), StreamHeaderException.Problem.INVALID_TAG, "length 65");
  }

  @Test
  void forbiddenTagCharacterIsRefusedBeforeTheRestOfTheTagArrives() {
    assertProblem(hex("b7 01 04 40 61 20"), StreamHeaderException.Problem.INVALID_TAG, "0x20");
  }

  @Test
  void longestHeaderIsSixtyEightBytes() throws StreamHeaderException {
    String tag = "t".repeat(64);
    byte[] header = StreamHeaderCodec.encode(new StreamHeader.App(tag));

    assertThat(header).hasSize(StreamHeaderCodec.MAX_HEADER_LENGTH).hasSize(68);
    assertThat(StreamHeaderCodec.decode(header)).isEqualTo(new Complete(new StreamHeader.App(tag), 68));
  }

  @Test
  void appTagsAreCheckedOnConstruction() {
    assertThatThrownBy(() -> new StreamHeader.App("")).hasMessageContaining("1 to 64");
    assertThatThrownBy(() -> new StreamHeader.App("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StreamHeader.App("spaces are bad")).hasMessageContaining("spaces are bad");
    assertThatThrownBy(() -> new StreamHeader.App("caf\u00e9")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new StreamHeader.App("A-z_0.9:/x").tag()).isEqualTo("A-z_0.9:/x");
  }

  @Test
  void tagsUnderTheReservedPrefixAreMarkedReserved() {
    assertThat(new StreamHeader.App("barrel.snapshot").reserved()).isTrue();
    assertThat(new StreamHeader.App("barrel").reserved()).isFalse();
    assertThat(new StreamHeader.App("app.barrel.x").reserved()).isFalse();
    assertThat(StreamHeader.RESERVED_TAG_PREFIX).isEqualTo("barrel.");
  }

  @Test
  void boundsOutsideTheArrayAreAProgrammingError() {
    assertThatThrownBy(() -> StreamHeaderCodec.decode(new byte[3], 2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void tagIsAsciiOnTheWire() {
    byte[] header = StreamHeaderCodec.encode(new StreamHeader.App("svc:orders/v2"));
    assertThat(new String(Arrays.copyOfRange(header, 4, header.length), StandardCharsets.US_ASCII)).isEqualTo("svc:orders/v2");
  }

  private static void assertProblem(byte[] bytes, StreamHeaderException.Problem problem, String message) {
    assertThatThrownBy(() -> StreamHeaderCodec.decode(bytes))
        .isInstanceOfSatisfying(StreamHeaderException.class, e -> assertThat(e.problem()).isEqualTo(problem))
        .hasMessageContaining(message);
  }
}
