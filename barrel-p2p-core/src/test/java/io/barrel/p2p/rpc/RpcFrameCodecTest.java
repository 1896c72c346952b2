package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.rpc.RpcDecodeException.Problem;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RpcFrameCodecTest {

  private static final RpcLimits LIMITS = RpcLimits.defaults().withMaxFrameBytes(4096).withHeaders(3, 16)
      .withErrors(32, 2);
  private static final RpcFrameCodec CODEC = new RpcFrameCodec(LIMITS);
  private static final HexFormat HEX = HexFormat.of();
  private static final String CALL = "0000000000000007";
  private static final MethodId METHOD = new MethodId(0x0102030405060708L);

  // ---------------------------------------------------------------- layouts

  @Test
  void requestLayoutIsCallFlagsMethodTimeoutServiceHeadersThenArguments() throws RpcDecodeException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("tp", "ab");
    RpcFrame.Request request = new RpcFrame.Request(7, "svc", METHOD, CallMode.UNARY, 1500, headers,
        new byte[] {(byte) 0x80});

    byte[] bytes = CODEC.encode(request);

    String body = CALL + "00" + "0102030405060708" + "000005dc" + "0003" + hex("svc") + "0001"
        + "02" + hex("tp") + "0002" + hex("ab") + "80";
    assertThat(HEX.formatHex(bytes)).isEqualTo(prefix(body) + "0101" + body);
    assertThat(CODEC.decode(bytes)).isEqualTo(request);
  }

  @Test
  void requestFlagsSayOneWayOrServerStream() {
    assertThat(flagsOf(CallMode.ONE_WAY)).isEqualTo(0x01);
    assertThat(flagsOf(CallMode.SERVER_STREAM)).isEqualTo(0x02);
    assertThat(flagsOf(CallMode.UNARY)).isEqualTo(0x00);
  }

  @Test
  void responseAndStreamItemCarryTheValueAfterTheCallId() throws RpcDecodeException {
    assertThat(HEX.formatHex(CODEC.encode(new RpcFrame.Response(7, new byte[] {1, 2}))))
        .isEqualTo("0000000c" + "0102" + CALL + "0102");
    assertThat(HEX.formatHex(CODEC.encode(new RpcFrame.StreamItem(7, new byte[] {3}))))
        .isEqualTo("0000000b" + "0105" + CALL + "03");
    assertThat(CODEC.decode(CODEC.encode(new RpcFrame.Response(7, new byte[0]))))
        .isEqualTo(new RpcFrame.Response(7, new byte[0]));
  }

  @Test
  void cancelStreamEndAndDemandAreFixedSize() {
    assertThat(HEX.formatHex(CODEC.encode(new RpcFrame.Cancel(7)))).isEqualTo("0000000a" + "0104" + CALL);
    assertThat(HEX.formatHex(CODEC.encode(new RpcFrame.StreamEnd(7)))).isEqualTo("0000000a" + "0106" + CALL);
    assertThat(HEX.formatHex(CODEC.encode(new RpcFrame.Demand(7, 32))))
        .isEqualTo("00000012" + "0107" + CALL + "0000000000000020");
  }

  @Test
  void failureLayoutIsKindClassMessageThenStackFrames() throws RpcDecodeException {
    RpcFrame.Failure failure = new RpcFrame.Failure(7, FailureKind.APPLICATION, "x.E", "boom",
        List.of(new StackTraceElement("a.B", "m", "B.java", 12), new StackTraceElement("c", "n", null, -2)));

    byte[] bytes = CODEC.encode(failure);

    String body = CALL + "01" + "0003" + hex("x.E") + "0004" + hex("boom") + "0002"
        + "0003" + hex("a.B") + "0001" + hex("m") + "0006" + hex("B.java") + "0000000c"
        + "0001" + hex("c") + "0001" + hex("n") + "0000" + "fffffffe";
    assertThat(HEX.formatHex(bytes)).isEqualTo(prefix(body) + "0103" + body);
    assertThat(CODEC.decode(bytes)).isEqualTo(failure);
  }

  @Test
  void everyFailureKindHasItsOwnCode() throws RpcDecodeException {
    for (FailureKind kind : FailureKind.values()) {
      RpcFrame.Failure failure = RpcFrame.Failure.of(1, kind, "m");
      assertThat(CODEC.decode(CODEC.encode(failure))).isEqualTo(failure);
    }
    assertThat(FailureKind.values()).extracting(FailureKind::code).doesNotHaveDuplicates();
  }

  // ---------------------------------------------------------------- encoding limits

  @Test
  void anOversizedFrameIsRefusedBeforeItIsWrittenWithATypedError() {
    RpcFrame.Response big = new RpcFrame.Response(1, new byte[4096]);

    assertThatThrownBy(() -> CODEC.encode(big))
        .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> {
          assertThat(e.side()).isEqualTo(PayloadTooLargeException.Side.SENDING);
          assertThat(e.sizeBytes()).isEqualTo(4096 + 10);
          assertThat(e.limitBytes()).isEqualTo(4096);
        })
        .hasMessageContaining("maximum message size");
  }

  @Test
  void aFrameExactlyAtTheLimitIsAccepted() throws RpcDecodeException {
    RpcFrame.Response exact = new RpcFrame.Response(1, new byte[4096 - 10]);
    assertThat(CODEC.decode(CODEC.encode(exact))).isEqualTo(exact);
  }

  @Test
  void encodingRefusesFieldsOverTheLimits() {
    Map<String, String> four = Map.of("a", "", "b", "", "c", "", "d", "");
    assertThatThrownBy(() -> CODEC.encode(request(four))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 headers");
    assertThatThrownBy(() -> CODEC.encode(request(Map.of("a", "x".repeat(17)))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("header 'a'");
    assertThatThrownBy(() -> CODEC.encode(RpcFrame.Failure.of(1, FailureKind.INTERNAL, "m".repeat(33))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RemoteErrors");
    StackTraceElement e = new StackTraceElement("a", "b", null, 1);
    assertThatThrownBy(() -> CODEC.encode(new RpcFrame.Failure(1, FailureKind.APPLICATION, "x", "", List.of(e, e, e))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 stack frames");
  }

  // ---------------------------------------------------------------- records

  @Test
  void requestsRefuseFieldsThatCannotTravel() {
    assertThatThrownBy(() -> new RpcFrame.Request(1, "", METHOD, CallMode.UNARY, 0, Map.of(), new byte[0]))
        .hasMessageContaining("service name");
    assertThatThrownBy(() -> new RpcFrame.Request(1, "s".repeat(1025), METHOD, CallMode.UNARY, 0, Map.of(),
        new byte[0])).hasMessageContaining("service name");
    assertThatThrownBy(() -> new RpcFrame.Request(1, "s\ud800", METHOD, CallMode.UNARY, 0, Map.of(), new byte[0]))
        .hasMessageContaining("surrogate");
    assertThatThrownBy(() -> request(Map.of("has space", "v"))).hasMessageContaining("header key");
    assertThatThrownBy(() -> request(Map.of("", "v"))).hasMessageContaining("header key");
    assertThatThrownBy(() -> request(Map.of("k".repeat(129), "v"))).hasMessageContaining("header key");
    assertThatThrownBy(() -> request(Map.of("k", "\udc00"))).hasMessageContaining("surrogate");
    assertThatThrownBy(() -> new RpcFrame.Request(1, "s", METHOD, CallMode.UNARY, -1, Map.of(), new byte[0]))
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> new RpcFrame.Request(1, "s", METHOD, CallMode.UNARY, RpcFrame.MAX_TIMEOUT_MILLIS + 1,
        Map.of(), new byte[0])).hasMessageContaining("timeout");
    assertThatThrownBy(() -> new RpcFrame.Demand(1, 0)).hasMessageContaining("at least 1");
  }

  @Test
  void requestHeadersKeepTheirOrderAndCannotBeChanged() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("z", "1");
    headers.put("a", "2");
    RpcFrame.Request r = request(headers);
    headers.put("b", "3");

    assertThat(r.headers().keySet()).containsExactly("z", "a");
    assertThatThrownBy(() -> r.headers().put("c", "4")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void failureStackKeepsOnlyTheFieldsThatTravelAndAnEmptyFileIsUnknown() {
    RpcFrame.Failure f = new RpcFrame.Failure(1, FailureKind.APPLICATION, "x", "",
        List.of(new StackTraceElement("loader", "module", "1", "a.B", "m", "", 3)));
    assertThat(f.stack()).containsExactly(new StackTraceElement("a.B", "m", null, 3));
  }

  // ---------------------------------------------------------------- malformed input, one case each

  @Test
  void aLengthOverTheLimitIsRefusedAsTooLargeWithTheTypedError() {
    RpcDecodeException e = refused(HEX.parseHex("00001001" + "0104" + CALL), Problem.FRAME_TOO_LARGE, "4097");
    assertThat(e.payloadTooLarge()).isNotNull();
    assertThat(e.payloadTooLarge().side()).isEqualTo(PayloadTooLargeException.Side.RECEIVING);
    assertThat(e.payloadTooLarge().sizeBytes()).isEqualTo(4097);
    assertThat(e.payloadTooLarge().limitBytes()).isEqualTo(4096);
    refused(HEX.parseHex("ffffffff"), Problem.FRAME_TOO_LARGE, "maximum message size");
  }

  @Test
  void aLengthBelowVersionAndTypeIsRefused() {
    refused(HEX.parseHex("00000000"), Problem.MALFORMED, "below");
    refused(HEX.parseHex("0000000101"), Problem.MALFORMED, "below");
  }

  @Test
  void fewerBytesThanTheLengthPrefixOrTheAnnouncedLengthAreTruncated() {
    refused(new byte[0], Problem.TRUNCATED, "4-byte length");
    refused(HEX.parseHex("000000"), Problem.TRUNCATED, "4-byte length");
    refused(HEX.parseHex("0000000a0104"), Problem.TRUNCATED, "announces 10");
  }

  @Test
  void bytesAfterTheFrameAreRefused() {
    refused(HEX.parseHex("0000000a0104" + CALL + "00"), Problem.MALFORMED, "after the end");
  }

  @Test
  void anotherVersionIsRefused() {
    refused(HEX.parseHex("0000000a0204" + CALL), Problem.UNSUPPORTED_VERSION, "version 2");
    refused(HEX.parseHex("0000000a0004" + CALL), Problem.UNSUPPORTED_VERSION, "version 0");
  }

  @Test
  void unknownTypesAreRefused() {
    refused(HEX.parseHex("0000000a0100" + CALL), Problem.UNKNOWN_TYPE, "type 0");
    refused(HEX.parseHex("0000000a0108" + CALL), Problem.UNKNOWN_TYPE, "type 8");
    refused(HEX.parseHex("0000000a01ff" + CALL), Problem.UNKNOWN_TYPE, "type 255");
  }

  @Test
  void fixedSizeFramesThatAreShortOrLongAreRefused() {
    refused(frame(4, "00000000000007"), Problem.MALFORMED, "ends early");
    refused(frame(4, CALL + "00"), Problem.MALFORMED, "trailing");
    refused(frame(6, CALL + "00"), Problem.MALFORMED, "trailing");
    refused(frame(7, CALL + "00000000000001"), Problem.MALFORMED, "ends early");
    refused(frame(2, "00"), Problem.MALFORMED, "ends early");
  }

  @Test
  void demandOfZeroOrAboveTheSignedRangeIsRefused() {
    refused(frame(7, CALL + "0000000000000000"), Problem.MALFORMED, "demand of 0");
    refused(frame(7, CALL + "8000000000000000"), Problem.MALFORMED, "demand of 9223372036854775808");
  }

  @Test
  void requestFlagsWithBothModesOrUnknownBitsAreRefused() {
    refused(requestBody("03", "0003" + hex("svc"), "0000"), Problem.MALFORMED, "flags 0x03");
    refused(requestBody("04", "0003" + hex("svc"), "0000"), Problem.MALFORMED, "flags 0x04");
    refused(requestBody("80", "0003" + hex("svc"), "0000"), Problem.MALFORMED, "flags 0x80");
  }

  @Test
  void requestServiceNamesOfBadLengthOrBadUtf8AreRefused() {
    refused(requestBody("00", "0000", "0000"), Problem.MALFORMED, "service name of 0 bytes");
    refused(requestBody("00", "0401", "0000"), Problem.MALFORMED, "service name of 1025 bytes");
    refused(requestBody("00", "0002" + "c080", "0000"), Problem.MALFORMED, "not valid UTF-8");
    refused(requestBody("00", "0003" + "eda080", "0000"), Problem.MALFORMED, "not valid UTF-8");
    refused(requestBody("00", "0001" + "ff", "0000"), Problem.MALFORMED, "not valid UTF-8");
    refused(requestBody("00", "0009" + hex("svc"), ""), Problem.MALFORMED, "ends early");
  }

  @Test
  void requestHeadersOverTheCountOrValueLimitAreRefused() {
    refused(requestBody("00", "0003" + hex("svc"), "0004"), Problem.LIMIT_EXCEEDED, "4 headers");
    refused(requestBody("00", "0003" + hex("svc"), "0001" + "01" + hex("k") + "0011" + hex("x".repeat(17))),
        Problem.LIMIT_EXCEEDED, "17 bytes");
  }

  @Test
  void requestHeaderKeysOfBadLengthOrCharactersAreRefused() {
    refused(requestBody("00", "0003" + hex("svc"), "0001" + "00" + "0000"), Problem.MALFORMED, "key of 0 bytes");
    refused(requestBody("00", "0003" + hex("svc"), "0001" + "81" + hex("k".repeat(129)) + "0000"),
        Problem.MALFORMED, "key of 129 bytes");
    refused(requestBody("00", "0003" + hex("svc"), "0001" + "01" + "20" + "0000"), Problem.MALFORMED, "0x20");
    refused(requestBody("00", "0003" + hex("svc"), "0001" + "01" + "7f" + "0000"), Problem.MALFORMED, "0x7F");
    refused(requestBody("00", "0003" + hex("svc"), "0001" + "02" + "c3a9" + "0000"), Problem.MALFORMED, "0xC3");
  }

  @Test
  void requestHeaderValuesWithBadUtf8AndRepeatedKeysAreRefused() {
    refused(requestBody("00", "0003" + hex("svc"), "0001" + "01" + hex("k") + "0001" + "80"),
        Problem.MALFORMED, "not valid UTF-8");
    refused(requestBody("00", "0003" + hex("svc"), "0002" + "01" + hex("k") + "0000" + "01" + hex("k") + "0000"),
        Problem.MALFORMED, "repeats header 'k'");
    refused(requestBody("00", "0003" + hex("svc"), "0001" + "01" + hex("k") + "0005" + "61"),
        Problem.MALFORMED, "ends early");
  }

  @Test
  void failuresWithAnUnknownKindAreRefused() {
    refused(frame(3, CALL + "00" + "0000" + "0000" + "0000"), Problem.MALFORMED, "failure kind 0");
    refused(frame(3, CALL + "0a" + "0000" + "0000" + "0000"), Problem.MALFORMED, "failure kind 10");
  }

  @Test
  void failuresOverTheMessageOrStackLimitsAreRefused() {
    refused(frame(3, CALL + "01" + "0000" + "0021" + hex("m".repeat(33)) + "0000"), Problem.LIMIT_EXCEEDED,
        "33 bytes");
    refused(frame(3, CALL + "01" + "0000" + "0000" + "0003"), Problem.LIMIT_EXCEEDED, "3 stack frames");
  }

  @Test
  void failureStringsOverTheStackStringLimitOrWithBadUtf8AreRefused() {
    refused(frame(3, CALL + "01" + "0401" + hex("c".repeat(1025)) + "0000" + "0000"), Problem.MALFORMED,
        "remote class of 1025 bytes");
    refused(frame(3, CALL + "01" + "0000" + "0001" + "fe" + "0000"), Problem.MALFORMED, "not valid UTF-8");
    refused(frame(3, CALL + "01" + "0000" + "0000" + "0001" + "0401"), Problem.MALFORMED, "class of 1025 bytes");
    refused(frame(3, CALL + "01" + "0000" + "0000" + "0001" + "0001" + hex("a") + "0001" + hex("m") + "0000"),
        Problem.MALFORMED, "ends early");
  }

  // ---------------------------------------------------------------- helpers

  private static RpcDecodeException refused(byte[] bytes, Problem problem, String messagePart) {
    try {
      RpcFrame frame = CODEC.decode(bytes);
      throw new AssertionError("decoded " + frame + " from " + HEX.formatHex(bytes));
    } catch (RpcDecodeException e) {
      assertThat(e.problem()).as(e.getMessage()).isEqualTo(problem);
      assertThat(e.getMessage()).contains(messagePart);
      return e;
    }
  }

  private static int flagsOf(CallMode mode) {
    byte[] bytes = CODEC.encode(new RpcFrame.Request(1, "s", METHOD, mode, 0, Map.of(), new byte[0]));
    return bytes[6 + 8] & 0xff;
  }

  private static RpcFrame.Request request(Map<String, String> headers) {
    return new RpcFrame.Request(1, "s", METHOD, CallMode.UNARY, 0, headers, new byte[0]);
  }

  private static byte[] requestBody(String flags, String service, String headers) {
    return frame(1, CALL + flags + "0102030405060708" + "00000000" + service + headers);
  }

  private static byte[] frame(int type, String bodyHex) {
    return HEX.parseHex(prefix(bodyHex) + "01" + String.format("%02x", type) + bodyHex);
  }

  private static String prefix(String bodyHex) {
    return String.format("%08x", 2 + bodyHex.length() / 2);
  }

  private static String hex(String ascii) {
    return HEX.formatHex(ascii.getBytes(StandardCharsets.UTF_8));
  }
}
