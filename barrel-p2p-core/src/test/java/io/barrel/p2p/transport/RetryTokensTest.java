package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class RetryTokensTest {

  private final RetryTokens tokens = new RetryTokens();
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
    assertThat(new RetryTokens().validateToken(mint(client), client)).as("other node's key").isEqualTo(-1);
    assertThat(tokens.validateToken(Unpooled.wrappedBuffer(new byte[3]), client)).isEqualTo(-1);
  }
}
