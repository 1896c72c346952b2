package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthFrameReaderTest {

  private static final AuthFrame HELLO = new AuthFrame.Hello(1, NodeName.of("alpha@host1"), new byte[32], 0);
  private static final AuthFrame OK = new AuthFrame.Ok();

  private static byte[] stream(AuthFrame... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (AuthFrame frame : frames) {
      out.writeBytes(AuthFrameCodec.encode(frame));
    }
    return out.toByteArray();
  }

  @Test
  void severalFramesInOneChunkComeOutInOrder() throws AuthDecodeException {
    AuthFrameReader reader = new AuthFrameReader();

    assertThat(reader.feed(stream(HELLO, OK, HELLO))).containsExactly(HELLO, OK, HELLO);
    assertThat(reader.hasPartialFrame()).isFalse();
  }

  @Test
  void aFrameDribbledByteByByteComesOutWhenItsLastByteArrives() throws AuthDecodeException {
    AuthFrameReader reader = new AuthFrameReader();
    byte[] bytes = stream(HELLO);
    List<AuthFrame> out = new ArrayList<>();

    for (int i = 0; i < bytes.length; i++) {
      assertThat(out).isEmpty();
      out.addAll(reader.feed(bytes, i, 1));
      assertThat(reader.hasPartialFrame()).isEqualTo(i < bytes.length - 1);
    }

    assertThat(out).containsExactly(HELLO);
  }

  @Test
  void oversizedDeclaredLengthIsRefusedAsSoonAsThePrefixIsIn() {
    AuthFrameReader reader = new AuthFrameReader();

    assertThatThrownBy(() -> reader.feed(new byte[] {0x02, 0x01}))
        .isInstanceOf(AuthDecodeException.class).hasMessageContaining("513 bytes, above the 512-byte limit");
  }

  @Test
  void largestAllowedFrameLengthIsAcceptedUntilItsContentIsJudged() throws AuthDecodeException {
    AuthFrameReader reader = new AuthFrameReader();

    assertThat(reader.feed(new byte[] {0x02, 0x00})).isEmpty();
    assertThat(reader.hasPartialFrame()).isTrue();
    assertThatThrownBy(() -> reader.feed(new byte[512])).hasMessageContaining("unknown frame type 0");
  }

  @Test
  void zeroDeclaredLengthIsMalformed() {
    assertThatThrownBy(() -> new AuthFrameReader().feed(new byte[] {0, 0}))
        .isInstanceOfSatisfying(AuthDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(AuthFailureReason.MALFORMED_FRAME))
        .hasMessageContaining("length 0");
  }

  @Test
  void onceFailedTheReaderStaysFailed() {
    AuthFrameReader reader = new AuthFrameReader();
    assertThatThrownBy(() -> reader.feed(new byte[] {0, 1, 9})).hasMessageContaining("unknown frame type 9");

    assertThatThrownBy(() -> reader.feed(stream(OK))).hasMessageContaining("unknown frame type 9");
  }

  @Test
  void emptyChunksAreHarmless() throws AuthDecodeException {
    AuthFrameReader reader = new AuthFrameReader();

    assertThat(reader.feed(new byte[0])).isEmpty();
    assertThat(reader.feed(new byte[] {1, 2, 3}, 1, 0)).isEmpty();
    assertThat(reader.hasPartialFrame()).isFalse();
  }

  @Test
  void chunkBoundsOutsideTheArrayAreAProgrammingError() {
    AuthFrameReader reader = new AuthFrameReader();

    assertThatThrownBy(() -> reader.feed(new byte[4], 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> reader.feed(new byte[4], -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aLongStreamOfFramesIsReadWithTheSameFixedBuffer() throws AuthDecodeException {
    AuthFrame[] many = new AuthFrame[5000];
    java.util.Arrays.fill(many, HELLO);

    assertThat(new AuthFrameReader().feed(stream(many))).hasSize(5000);
  }
}
