package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.rpc.RpcDecodeException.Problem;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RpcFrameDecoderTest {

  private static final RpcFrameCodec CODEC = new RpcFrameCodec(RpcLimits.defaults());
  private static final HexFormat HEX = HexFormat.of();

  private final RpcFrameDecoder decoder = new RpcFrameDecoder(CODEC);

  @Test
  void severalFramesInOneChunkComeOutInOrder() throws RpcDecodeException {
    RpcFrame request = new RpcFrame.Request(1, "svc", new MethodId(9), CallMode.SERVER_STREAM, 100, Map.of(),
        new byte[] {1});
    RpcFrame demand = new RpcFrame.Demand(1, 16);

    List<RpcFrame> frames = decoder.feed(concat(CODEC.encode(request), CODEC.encode(demand)));

    assertThat(frames).containsExactly(request, demand);
    assertThat(decoder.bufferedBytes()).isZero();
  }

  @Test
  void aFrameSplitAcrossChunksComesOutWhenItsLastByteArrives() throws RpcDecodeException {
    byte[] item = CODEC.encode(new RpcFrame.StreamItem(3, new byte[1000]));

    assertThat(decoder.feed(java.util.Arrays.copyOfRange(item, 0, 2))).isEmpty();
    assertThat(decoder.feed(java.util.Arrays.copyOfRange(item, 2, 500))).isEmpty();
    assertThat(decoder.bufferedBytes()).isEqualTo(500);
    assertThat(decoder.feed(java.util.Arrays.copyOfRange(item, 500, item.length)))
        .containsExactly(new RpcFrame.StreamItem(3, new byte[1000]));
    decoder.end();
  }

  @Test
  void theTailOfOneFrameAndTheHeadOfTheNextShareAChunk() throws RpcDecodeException {
    byte[] a = CODEC.encode(new RpcFrame.Cancel(1));
    byte[] b = CODEC.encode(new RpcFrame.StreamEnd(2));
    byte[] both = concat(a, b);

    List<RpcFrame> out = new ArrayList<>();
    decoder.feed(both, 0, 5, out::add);
    decoder.feed(both, 5, a.length, out::add);
    decoder.feed(both, 5 + a.length, both.length - 5 - a.length, out::add);

    assertThat(out).containsExactly(new RpcFrame.Cancel(1), new RpcFrame.StreamEnd(2));
  }

  @Test
  void anOversizedLengthIsRefusedFromItsFourBytesBeforeAnyBodyArrives() {
    RpcFrameDecoder small = new RpcFrameDecoder(new RpcFrameCodec(RpcLimits.defaults().withMaxFrameBytes(1024)));

    assertThatThrownBy(() -> small.feed(HEX.parseHex("00000401")))
        .isInstanceOfSatisfying(RpcDecodeException.class, e -> {
          assertThat(e.problem()).isEqualTo(Problem.FRAME_TOO_LARGE);
          assertThat(e.payloadTooLarge().sizeBytes()).isEqualTo(1025);
        });
  }

  @Test
  void anOversizedLengthIsRefusedEvenWhenItsBytesArriveOneByOne() throws RpcDecodeException {
    decoder.feed(new byte[] {0x7f});
    decoder.feed(new byte[] {0});
    decoder.feed(new byte[] {0});
    assertThatThrownBy(() -> decoder.feed(new byte[] {0}))
        .isInstanceOfSatisfying(RpcDecodeException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.FRAME_TOO_LARGE));
  }

  @Test
  void theVersionIsCheckedAtItsByteAndTheTypeAtItsByte() throws RpcDecodeException {
    decoder.feed(HEX.parseHex("00001000"));
    assertThatThrownBy(() -> decoder.feed(HEX.parseHex("09")))
        .isInstanceOfSatisfying(RpcDecodeException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED_VERSION));

    RpcFrameDecoder other = new RpcFrameDecoder(CODEC);
    other.feed(HEX.parseHex("0000100001"));
    assertThatThrownBy(() -> other.feed(HEX.parseHex("63")))
        .isInstanceOfSatisfying(RpcDecodeException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.UNKNOWN_TYPE));
  }

  @Test
  void aLargeAnnouncedFrameCostsOnlyWhatActuallyArrived() throws RpcDecodeException {
    // 16 MiB announced, 12 bytes sent: the buffer must not be sized from the announcement.
    decoder.feed(HEX.parseHex("00fffff0" + "0102" + "0000000000000001" + "aabb"));

    assertThat(decoder.bufferedBytes()).isEqualTo(16);
    assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(256);
  }

  @Test
  void theBufferGrowsWithTheBytesReceivedAndNeverPastTheFrame() throws RpcDecodeException {
    byte[] item = CODEC.encode(new RpcFrame.StreamItem(3, new byte[100_000]));
    for (int at = 0; at < item.length - 1000; at += 1000) {
      decoder.feed(item, at, 1000, f -> { });
      assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(Math.max(256, 2 * decoder.bufferedBytes()))
          .isLessThanOrEqualTo(item.length - 4);
    }
  }

  @Test
  void framesBeforeABadOneAreHandedOutThenTheStreamIsRefused() {
    byte[] good = CODEC.encode(new RpcFrame.Cancel(5));
    byte[] bad = HEX.parseHex("0000000a0109" + "0000000000000005");
    List<RpcFrame> out = new ArrayList<>();

    assertThatThrownBy(() -> decoder.feed(concat(good, bad), 0, good.length + bad.length, out::add))
        .isInstanceOf(RpcDecodeException.class);

    assertThat(out).containsExactly(new RpcFrame.Cancel(5));
    assertThatThrownBy(() -> decoder.feed(good)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("close it");
  }

  @Test
  void aStreamEndingInsideAFrameIsTruncatedAndAtABoundaryIsFine() throws RpcDecodeException {
    decoder.feed(CODEC.encode(new RpcFrame.Cancel(1)));
    decoder.end();

    RpcFrameDecoder cut = new RpcFrameDecoder(CODEC);
    cut.feed(HEX.parseHex("0000000a01"));
    assertThatThrownBy(cut::end).isInstanceOfSatisfying(RpcDecodeException.class, e -> {
      assertThat(e.problem()).isEqualTo(Problem.TRUNCATED);
      assertThat(e.getMessage()).contains("after 5 of its bytes", "announced 14");
    });

    RpcFrameDecoder inPrefix = new RpcFrameDecoder(CODEC);
    inPrefix.feed(new byte[] {0, 0});
    assertThatThrownBy(inPrefix::end).isInstanceOf(RpcDecodeException.class);
  }

  @Test
  void chunkBoundsAreChecked() {
    assertThatThrownBy(() -> decoder.feed(new byte[4], 2, 3, f -> { }))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
