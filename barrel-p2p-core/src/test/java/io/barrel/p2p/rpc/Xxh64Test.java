package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * XXH64 against published vectors and against the reference C implementation (values produced with
 * the {@code xxhash} 4.0.1 Python binding of libxxhash) for every code path: the 32-byte stripes, the
 * 8-byte, 4-byte and 1-byte tails, seeded and unseeded.
 */
class Xxh64Test {

  @Test
  void publishedVectors() {
    assertThat(Xxh64.hash(ascii(""), 0)).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(Xxh64.hash(ascii("a"), 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
    assertThat(Xxh64.hash(ascii("abc"), 0)).isEqualTo(0x44BC2CF5AD770999L);
    assertThat(Xxh64.hash(ascii("Nobody inspects the spammish repetition"), 0)).isEqualTo(0xFBCEA83C8A378BF1L);
    assertThat(Xxh64.hash(ascii("xxhash"), 20141025)).isEqualTo(0xB559B98D844E0635L);
  }

  @Test
  void matchesTheReferenceImplementationAtEveryLength() {
    int[] lengths = {0, 1, 3, 4, 7, 8, 9, 12, 15, 16, 31, 32, 33, 40, 63, 64, 100};
    long[] unseeded = {0xef46db3751d8e999L, 0x1f25c8d0bc1f4bb6L, 0x31d2363f52e564c9L, 0x9bb64b7d66ee9fdaL,
        0x9a7b149959ce60d8L, 0xdab99d95c6f90092L, 0x170bb6bf975b4c02L, 0xd52e407833af5133L, 0x1b47cb8243cc8e32L,
        0x434850232b787be2L, 0xa2aa5f33cc4a6119L, 0x23c3c17ef790fd97L, 0x50a7cfc7ba588784L, 0xb620306b253d76b6L,
        0x5e3e54b431c7493cL, 0x0eb64b3ef6eeb01fL, 0xa61f8d4c170fe531L};
    long[] seeded = {0xc4349fc93c010000L, 0x79826bcd749d267aL, 0x78efd77575e26575L, 0x6f0a6c97d68bf353L,
        0xd97ede93c9d66a0dL, 0xa2f1e28437a78a1bL, 0x9c9a3cd83532d84fL, 0xbcc9f0d616ff9a7bL, 0xe2ec50a544faec61L,
        0x93351859a7286376L, 0x755437271d1d0a84L, 0xbf624b932c090428L, 0x7aceaf1e9d34ea35L, 0x3b3666e250c83a50L,
        0x2c8ddce5c85d0d9dL, 0x4af341f14e3a6fc9L, 0xf6d8f65c625abb4fL};
    for (int k = 0; k < lengths.length; k++) {
      byte[] data = new byte[lengths[k]];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) (i * 7 + 3);
      }
      assertThat(Xxh64.hash(data, 0)).as("length %d", lengths[k]).isEqualTo(unseeded[k]);
      assertThat(Xxh64.hash(data, 0x9E3779B97F4A7C15L)).as("length %d, seeded", lengths[k]).isEqualTo(seeded[k]);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
