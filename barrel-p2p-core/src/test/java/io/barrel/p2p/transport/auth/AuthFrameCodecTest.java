package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AuthFrameCodecTest {

  private static final byte[] KEY = filled(32, 0x11);
  private static final byte[] NONCE = filled(32, 0x22);

  private static byte[] filled(int size, int value) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  private static byte[] withoutPrefix(byte[] encoded) {
    return Arrays.copyOfRange(encoded, 2, encoded.length);
  }

  @Test
  void helloIsLaidOutAsDrawn() {
    byte[] encoded = AuthFrameCodec.encode(new AuthFrame.Hello(1, NodeName.of("a@b"), KEY, 0));

    assertThat(Arrays.copyOf(encoded, 8)).isEqualTo(hex("0026 01 01 03 61 40 62"));
    assertThat(Arrays.copyOfRange(encoded, 8, encoded.length)).isEqualTo(KEY);
    assertThat(encoded).hasSize(2 + 0x26);
  }

  @Test
  void aVersion3HelloEndsWithTheIncarnationBigEndian() throws AuthDecodeException {
    AuthFrame.Hello hello = new AuthFrame.Hello(3, NodeName.of("a@b"), KEY, 0x0102030405060708L);
    byte[] encoded = AuthFrameCodec.encode(hello);

    assertThat(Arrays.copyOf(encoded, 8)).isEqualTo(hex("002e 01 03 03 61 40 62"));
    assertThat(Arrays.copyOfRange(encoded, 8, 40)).isEqualTo(KEY);
    assertThat(Arrays.copyOfRange(encoded, 40, encoded.length)).isEqualTo(hex("0102030405060708"));
    assertThat(AuthFrameCodec.decode(withoutPrefix(encoded))).isEqualTo(hello);
  }

  @Test
  void anIncarnationBeyondTheSignedRangeIsMalformedAndOnlyVersion3OnCarriesOne() {
    byte[] body = withoutPrefix(AuthFrameCodec.encode(new AuthFrame.Hello(3, NodeName.of("a@b"), KEY, 1)));
    body[body.length - 8] = (byte) 0x80;
    assertDecodeError(body, AuthFailureReason.MALFORMED_FRAME, "incarnation");
    byte[] future = withoutPrefix(AuthFrameCodec.encode(new AuthFrame.Hello(4, NodeName.of("a@b"), KEY, 1)));
    future[future.length - 8] = (byte) 0x80;
    assertDecodeError(future, AuthFailureReason.UNSUPPORTED_VERSION, "version 4");
    assertThatThrownBy(() -> new AuthFrame.Hello(3, NodeName.of("a@b"), KEY, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuthFrame.Hello(2, NodeName.of("a@b"), KEY, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no incarnation");
  }

  @Test
  void challengeCarriesTheTimestampBigEndian() {
    byte[] encoded = AuthFrameCodec.encode(new AuthFrame.Challenge(NONCE, 0x0102030405060708L));

    assertThat(Arrays.copyOf(encoded, 3)).isEqualTo(hex("0029 02"));
    assertThat(Arrays.copyOfRange(encoded, 35, 43)).isEqualTo(hex("0102030405060708"));
  }

  @Test
  void responseIsSignatureThenProof() {
    byte[] encoded = AuthFrameCodec.encode(new AuthFrame.Response(filled(64, 0x33), filled(32, 0x44)));

    assertThat(Arrays.copyOf(encoded, 3)).isEqualTo(hex("0061 03"));
    assertThat(encoded[3]).isEqualTo((byte) 0x33);
    assertThat(encoded[3 + 64]).isEqualTo((byte) 0x44);
    assertThat(encoded).hasSize(2 + 1 + 96);
  }

  @Test
  void okIsATypeByteAlone() {
    assertThat(AuthFrameCodec.encode(new AuthFrame.Ok())).isEqualTo(hex("0001 04"));
  }

  @Test
  void failCarriesTheWireCodeAndText() {
    byte[] encoded = AuthFrameCodec.encode(new AuthFrame.Fail(AuthFailureReason.KEY_MISMATCH, "no"));

    assertThat(encoded).isEqualTo(hex("0005 05 06 02 6e6f"));
  }

  @Test
  void everyFrameRoundTrips() throws AuthDecodeException {
    AuthFrame[] frames = {
        new AuthFrame.Hello(1, NodeName.of("node-1@10.0.0.1"), KEY, 0),
        new AuthFrame.Challenge(NONCE, 1_760_000_000_000L),
        new AuthFrame.Response(filled(64, 1), filled(32, 2)),
        new AuthFrame.Ok(),
        new AuthFrame.Fail(AuthFailureReason.TIMEOUT, "took too long"),
    };
    for (AuthFrame frame : frames) {
      assertThat(AuthFrameCodec.decode(withoutPrefix(AuthFrameCodec.encode(frame)))).isEqualTo(frame);
    }
  }

  @Test
  void failWithAnUnknownReasonCodeReadsAsAGenericRejection() throws AuthDecodeException {
    AuthFrame frame = AuthFrameCodec.decode(hex("05 c8 03 6e6577"));

    assertThat(frame).isEqualTo(new AuthFrame.Fail(AuthFailureReason.REJECTED_BY_PEER, "new"));
  }

  @Test
  void helloOfAnotherVersionWithTheSameLayoutDecodesSoTheHandshakeCanRefuseIt() throws AuthDecodeException {
    // Version 1 had version 2's HELLO (no incarnation) and ran the exchange in another order.
    byte[] body = withoutPrefix(AuthFrameCodec.encode(new AuthFrame.Hello(1, NodeName.of("a@b"), KEY, 0)));

    assertThat(((AuthFrame.Hello) AuthFrameCodec.decode(body)).version()).isEqualTo(1);
  }

  @Test
  void helloOfAnotherVersionWithAnotherLayoutIsAnUnsupportedVersion() {
    assertDecodeError(hex("01 09 ff 00"), AuthFailureReason.UNSUPPORTED_VERSION, "version 9");
  }

  @Test
  void helloWhoseLengthsDoNotAddUpIsMalformed() {
    byte[] body = withoutPrefix(AuthFrameCodec.encode(new AuthFrame.Hello(AuthFrameCodec.PROTOCOL_VERSION,
        NodeName.of("a@b"), KEY, 1_760_000_000_000L)));
    assertDecodeError(Arrays.copyOf(body, body.length - 1), AuthFailureReason.MALFORMED_FRAME, "do not add up");
    assertDecodeError(Arrays.copyOf(body, body.length + 1), AuthFailureReason.MALFORMED_FRAME, "do not add up");
    body[2] = 0;
    assertDecodeError(body, AuthFailureReason.MALFORMED_FRAME, "name length 0");
  }

  @Test
  void helloWithAnInvalidNameIsRefusedAsSuch() {
    byte[] body = withoutPrefix(AuthFrameCodec.encode(new AuthFrame.Hello(AuthFrameCodec.PROTOCOL_VERSION,
        NodeName.of("a@b"), KEY, 1_760_000_000_000L)));
    body[5] = '@'; // "a@@"
    assertDecodeError(body, AuthFailureReason.INVALID_NODE_NAME, "naming rules");
  }

  @Test
  void framesOfTheWrongSizeAreMalformed() {
    assertDecodeError(hex("02 00"), AuthFailureReason.MALFORMED_FRAME, "CHALLENGE body is 1 bytes, expected 40");
    assertDecodeError(hex("03"), AuthFailureReason.MALFORMED_FRAME, "RESPONSE body is 0 bytes, expected 96");
    assertDecodeError(hex("04 00"), AuthFailureReason.MALFORMED_FRAME, "OK body is 1 bytes, expected 0");
    assertDecodeError(hex("05 01"), AuthFailureReason.MALFORMED_FRAME, "too short");
    assertDecodeError(hex("05 01 03 6161"), AuthFailureReason.MALFORMED_FRAME, "FAIL body is 4 bytes, expected 5");
  }

  @Test
  void failTextMustBePrintableAndShort() {
    assertDecodeError(hex("05 01 01 0a"), AuthFailureReason.MALFORMED_FRAME, "printable");
    byte[] long201 = new byte[3 + 201];
    long201[0] = 5;
    long201[1] = 1;
    long201[2] = (byte) 201;
    Arrays.fill(long201, 3, long201.length, (byte) 'a');
    assertDecodeError(long201, AuthFailureReason.MALFORMED_FRAME, "exceeds 200");
  }

  @Test
  void emptyUnknownAndOversizedInputsAreMalformed() {
    assertDecodeError(new byte[0], AuthFailureReason.MALFORMED_FRAME, "empty");
    assertDecodeError(null, AuthFailureReason.MALFORMED_FRAME, "empty");
    assertDecodeError(hex("00"), AuthFailureReason.MALFORMED_FRAME, "unknown frame type 0");
    assertDecodeError(hex("06"), AuthFailureReason.MALFORMED_FRAME, "unknown frame type 6");
    assertDecodeError(new byte[513], AuthFailureReason.MALFORMED_FRAME, "512-byte limit");
  }

  @Test
  void failOfSanitisesArbitraryText() {
    AuthFrame.Fail fail = AuthFrame.Fail.of(AuthFailureReason.INTERNAL, "é\n" + "x".repeat(300));

    assertThat(fail.text()).startsWith("??x").hasSize(AuthFrame.MAX_FAIL_TEXT);
    assertThat(AuthFrame.Fail.of(AuthFailureReason.INTERNAL, null).text()).isEmpty();
  }

  @Test
  void recordsRefuseFieldsTheWireCannotCarry() {
    assertThatThrownBy(() -> new AuthFrame.Hello(256, NodeName.of("a@b"), KEY, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuthFrame.Hello(1, NodeName.of("a@b"), new byte[31], 0))
        .hasMessageContaining("public key must be 32 bytes");
    assertThatThrownBy(() -> new AuthFrame.Challenge(null, 0)).hasMessageContaining("nonce must be 32 bytes");
    assertThatThrownBy(() -> new AuthFrame.Response(new byte[63], new byte[32])).hasMessageContaining("signature");
    assertThatThrownBy(() -> new AuthFrame.Response(new byte[64], new byte[33])).hasMessageContaining("secret proof");
    assertThatThrownBy(() -> new AuthFrame.Fail(AuthFailureReason.INTERNAL, "tab\t")).hasMessageContaining("printable");
    assertThatThrownBy(() -> new AuthFrame.Fail(AuthFailureReason.INTERNAL, "x".repeat(201)))
        .hasMessageContaining("200");
  }

  @Test
  void recordsWithArraysCompareByContentAndDoNotShareThem() {
    byte[] nonce = NONCE.clone();
    AuthFrame.Challenge challenge = new AuthFrame.Challenge(nonce, 7);
    nonce[0] = 0;
    challenge.nonce()[1] = 0;

    assertThat(challenge).isEqualTo(new AuthFrame.Challenge(NONCE, 7)).hasSameHashCodeAs(new AuthFrame.Challenge(NONCE, 7));
    assertThat(challenge).isNotEqualTo(new AuthFrame.Challenge(NONCE, 8));
    assertThat(new AuthFrame.Response(filled(64, 1), filled(32, 2)))
        .isEqualTo(new AuthFrame.Response(filled(64, 1), filled(32, 2)))
        .isNotEqualTo(new AuthFrame.Response(filled(64, 1), filled(32, 3)));
    assertThat(new AuthFrame.Hello(1, NodeName.of("a@b"), KEY, 0))
        .hasSameHashCodeAs(new AuthFrame.Hello(1, NodeName.of("a@b"), KEY.clone(), 0));
  }

  @Test
  void toStringShowsFingerprintsAndPrefixesNotWholeSecrets() {
    assertThat(new AuthFrame.Hello(1, NodeName.of("a@b"), KEY, 0).toString()).contains("a@b", "SHA256:");
    assertThat(new AuthFrame.Challenge(NONCE, -1).toString()).contains("22222222…", "18446744073709551615");
    assertThat(new AuthFrame.Response(filled(64, 0xab), filled(32, 0xcd)).toString()).contains("abababab…", "cdcdcdcd…");
  }

  private static void assertDecodeError(byte[] frame, AuthFailureReason reason, String message) {
    assertThatThrownBy(() -> AuthFrameCodec.decode(frame))
        .isInstanceOfSatisfying(AuthDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(message);
  }
}
