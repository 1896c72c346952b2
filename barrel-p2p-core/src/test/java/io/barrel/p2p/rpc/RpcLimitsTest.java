package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RpcLimitsTest {

  @Test
  void defaultsAreSixteenMebibyteMessages() {
    RpcLimits d = RpcLimits.defaults();

    assertThat(d.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(d.maxHeaders()).isEqualTo(64);
    assertThat(d.maxHeaderValueBytes()).isEqualTo(8192);
    assertThat(d.maxErrorMessageBytes()).isEqualTo(8192);
    assertThat(d.maxStackFrames()).isEqualTo(64);
    assertThat(d.maxNestingDepth()).isEqualTo(100);
  }

  @Test
  void withersChangeOneThing() {
    RpcLimits d = RpcLimits.defaults();

    assertThat(d.withMaxFrameBytes(2048)).isEqualTo(new RpcLimits(2048, 64, 8192, 8192, 64, 100));
    assertThat(d.withHeaders(1, 2)).isEqualTo(new RpcLimits(d.maxFrameBytes(), 1, 2, 8192, 64, 100));
    assertThat(d.withErrors(3, 4)).isEqualTo(new RpcLimits(d.maxFrameBytes(), 64, 8192, 3, 4, 100));
    assertThat(d.withMaxNestingDepth(9)).isEqualTo(new RpcLimits(d.maxFrameBytes(), 64, 8192, 8192, 64, 9));
  }

  @Test
  void boundsAreCheckedWithTheirRange() {
    assertThatThrownBy(() -> RpcLimits.defaults().withMaxFrameBytes(1023)).hasMessage(
        "max frame bytes must be 1024..1073741824, got 1023");
    assertThatThrownBy(() -> RpcLimits.defaults().withMaxFrameBytes((1 << 30) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RpcLimits.defaults().withHeaders(1025, 1)).hasMessageContaining("max headers");
    assertThatThrownBy(() -> RpcLimits.defaults().withHeaders(1, 65536)).hasMessageContaining("header value");
    assertThatThrownBy(() -> RpcLimits.defaults().withErrors(65536, 1)).hasMessageContaining("error message");
    assertThatThrownBy(() -> RpcLimits.defaults().withErrors(1, 1025)).hasMessageContaining("stack frames");
    assertThatThrownBy(() -> RpcLimits.defaults().withMaxNestingDepth(7)).hasMessageContaining("nesting depth");
  }
}
