package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class RetryTokensTest {

  private final RetryTokens tokens = new RetryTokens(() -> 0, 0, () -> { });
  private final InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
  private final byte[] dcid = {1, 2, 3, 4, 5, 6, 7, 8};

  private ByteBuf mint(InetSocketAddress to) {
    ByteBuf out = Unpooled.buffer();
    tokens.writeToken(out, Unpooled.wrappedBuffer(dcid), to);
    return out;
  }

  @Test
  void aTokenValidatesForTheAddressItWasMintedForAndPointsAtTheOriginalConnectionId() {
    ByteBuf token = mint(client);
    int offset = tokens.validateToken(token, client);
    assertThat(offset).isPositive();
    byte[] id = new byte[token.readableBytes() - offset];
    token.getBytes(token.readerIndex() + offset, id);
    assertThat(id).isEqualTo(dcid);
    assertThat(token.readableBytes()).isLessThanOrEqualTo(tokens.maxTokenLength());
  }

  @Test
  void aTokenFromAnotherAddressIsRejected() {
    assertThat(tokens.validateToken(mint(client), new InetSocketAddress("127.0.0.1", 40001))).isEqualTo(-1);
  }

  @Test
  void aTamperedOrForeignTokenIsRejected() {
    ByteBuf token = mint(client);
    token.setByte(10, token.getByte(10) ^ 1);
    assertThat(tokens.validateToken(token, client)).isEqualTo(-1);
    assertThat(new RetryTokens(() -> 0, 0, () -> { }).validateToken(mint(client), client)).as("other node's key").isEqualTo(-1);
    assertThat(tokens.validateToken(Unpooled.wrappedBuffer(new byte[3]), client)).isEqualTo(-1);
  }

  @Test
  void aRetryIsAskedOnlyFromTheThresholdOfUnfinishedHandshakesOn() {
    java.util.concurrent.atomic.AtomicInteger unfinished = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
    RetryTokens underLoad = new RetryTokens(unfinished::get, 3, sent::incrementAndGet);
    InetSocketAddress client = new InetSocketAddress("192.0.2.7", 4433);
    ByteBuf dcid = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    unfinished.set(2);
    ByteBuf out = Unpooled.buffer();
    assertThat(underLoad.writeToken(out, dcid, client)).as("2 of 3: served at once").isFalse();
    assertThat(out.readableBytes()).as("no token minted").isZero();

    unfinished.set(3);
    assertThat(underLoad.writeToken(out, dcid, client)).as("3 of 3: Retry").isTrue();
    assertThat(underLoad.validateToken(out, client)).as("and its token validates").isPositive();
    assertThat(sent).as("one Retry counted").hasValue(1);

    unfinished.set(0);
    assertThat(underLoad.validateToken(out, client)).as("a valid token stays valid when the load is gone")
        .isPositive();
    assertThat(new RetryTokens(unfinished::get, 0, () -> { }).writeToken(Unpooled.buffer(), dcid, client))
        .as("threshold 0: always").isTrue();
  }
}
