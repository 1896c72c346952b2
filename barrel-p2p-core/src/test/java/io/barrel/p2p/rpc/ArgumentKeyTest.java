package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.BY_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ArgumentKeyTest {

  private record AccountId(String bank, long number) {}

  /** A class without toString(): its text would carry an identity hash code. */
  private static final class Opaque {}

  private enum Color { RED, GREEN { @Override public String toString() { return "verde"; } } }

  private static long key(Object value) {
    return ArgumentKey.hash(value, 0, BY_KEY);
  }

  @Test
  void keysArePinnedSoThatEveryVersionAndJvmAgrees() {
    // Changing how a value becomes a key would send equal keys to different instances from nodes
    // running different versions: these pins catch that. Update them only with a documented break.
    // (Checked against libxxhash: XXH64 of tag byte ‖ value bytes, seed 0x6B65797365656431.)
    assertThat(key("account-42")).isEqualTo(0x9eb224fa3b8b34b4L);
    assertThat(key(42)).isEqualTo(0xc0d70e4a1a6fa6c2L);
    assertThat(key(null)).isEqualTo(0x38e9a28e96e0d9a0L);
    assertThat(key(new AccountId("b", 7))).isEqualTo(key("AccountId[bank=b, number=7]"));
  }

  @Test
  void equalValuesGiveEqualKeysAcrossTypesOfTheSameNumber() {
    assertThat(key(5)).isEqualTo(key(5L)).isEqualTo(key((short) 5)).isEqualTo(key((byte) 5))
        .isEqualTo(key(new AtomicLong(5))).isEqualTo(key(BigInteger.valueOf(5)));
    assertThat(key(5.0)).isEqualTo(key(5.0f));
    assertThat(key(0.0)).isEqualTo(key(-0.0));
    assertThat(key(Double.NaN)).isEqualTo(key(Float.NaN));
    assertThat(key(new BigDecimal("1.0"))).isEqualTo(key(new BigDecimal("1.00"))).isEqualTo(key(BigDecimal.ONE));
    assertThat(key(new BigDecimal("0.000"))).isEqualTo(key(BigDecimal.ZERO));
    assertThat(key(BigInteger.TWO.pow(70))).isEqualTo(key(new BigInteger("1180591620717411303424")));
    assertThat(key(BigInteger.TWO.pow(70))).isNotEqualTo(key(BigInteger.TWO.pow(71)));
  }

  @Test
  void textIsHashedByContentWhateverItsClass() {
    assertThat(key("abc")).isEqualTo(key(new StringBuilder("abc"))).isNotEqualTo(key("abd"));
    assertThat(key('x')).isEqualTo(key("x"));
  }

  @Test
  void enumsAreHashedByName() {
    assertThat(key(Color.RED)).isEqualTo(key("RED"));
    assertThat(key(Color.GREEN)).isEqualTo(key("GREEN")).isNotEqualTo(key("verde"));
    assertThat(key(TimeUnit.SECONDS)).isEqualTo(key("SECONDS"));
  }

  @Test
  void byteArraysAreHashedByContent() {
    assertThat(key(new byte[] {1, 2, 3})).isEqualTo(key(new byte[] {1, 2, 3})).isNotEqualTo(key(new byte[] {1, 2}));
    assertThat(key(new byte[0])).isNotEqualTo(key(null)).isNotEqualTo(key(""));
  }

  @Test
  void otherArraysAreHashedByTheirElements() {
    assertThat(key(new int[] {1, 2})).isEqualTo(key(new int[] {1, 2})).isNotEqualTo(key(new int[] {2, 1}));
    assertThat(key(new String[] {"a", "b"})).isEqualTo(key(new String[] {"a", "b"}));
    assertThat(key(new long[][] {{1}, {2}})).isEqualTo(key(new long[][] {{1}, {2}}));
  }

  @Test
  void uuidsAndBooleansAreHashedByValue() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    assertThat(key(id)).isEqualTo(key(UUID.fromString(id.toString()))).isNotEqualTo(key(id.toString()));
    assertThat(key(true)).isEqualTo(key(Boolean.TRUE)).isNotEqualTo(key(false));
  }

  @Test
  void recordsAndCollectionsAreHashedByTheirText() {
    assertThat(key(new AccountId("b", 7))).isEqualTo(key(new AccountId("b", 7)))
        .isNotEqualTo(key(new AccountId("b", 8)));
    assertThat(key(List.of(1, 2))).isEqualTo(key(List.of(1, 2)));
  }

  @Test
  void nullIsOneFixedKeyApartFromTheText() {
    assertThat(key(null)).isEqualTo(key(null)).isNotEqualTo(key("null")).isNotEqualTo(key(""));
  }

  @Test
  void classesWithoutAValueToStringAreRefused() {
    assertThatThrownBy(() -> key(new Opaque())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("argument 0 of Accounts.byKey(Object)")
        .hasMessageContaining(Opaque.class.getName() + " does not override toString()");
    assertThatThrownBy(() -> key(new Object())).isInstanceOf(IllegalArgumentException.class);
  }
}
