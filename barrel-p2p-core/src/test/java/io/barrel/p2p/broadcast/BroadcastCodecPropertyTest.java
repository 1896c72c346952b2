package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.BroadcastArbitraries.CODEC;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class BroadcastCodecPropertyTest {

  @Property(tries = 1000)
  void gossipRoundTrips(@ForAll("gossips") BroadcastMessage message) throws BroadcastDecodeException {
    assertRoundTrip(message);
  }

  @Property(tries = 1000)
  void ihaveRoundTrips(@ForAll("ihaves") BroadcastMessage message) throws BroadcastDecodeException {
    assertRoundTrip(message);
  }

  @Property(tries = 1000)
  void graftRoundTrips(@ForAll("grafts") BroadcastMessage message) throws BroadcastDecodeException {
    assertRoundTrip(message);
  }

  @Property(tries = 1000)
  void pruneRoundTrips(@ForAll("prunes") BroadcastMessage message) throws BroadcastDecodeException {
    assertRoundTrip(message);
  }

  @Property(tries = 2000)
  void randomBytesEitherDecodeCanonicallyOrFailWithADecodeError(@ForAll @Size(max = 600) byte[] bytes) {
    assertDecodesCanonicallyOrRefuses(bytes);
  }

  @Property(tries = 2000)
  void randomBodiesBehindAKnownTypeEitherDecodeCanonicallyOrFailWithADecodeError(
      @ForAll @IntRange(min = 1, max = 4) int type, @ForAll @Size(max = 400) byte[] body) {
    byte[] message = new byte[body.length + 1];
    message[0] = (byte) type;
    System.arraycopy(body, 0, message, 1, body.length);
    assertDecodesCanonicallyOrRefuses(message);
  }

  @Property(tries = 2000)
  void corruptingOneByteOfAValidMessageNeverThrowsAnythingElse(@ForAll("messages") BroadcastMessage message,
      @ForAll @IntRange(min = 0, max = 5000) int position, @ForAll byte value) {
    byte[] bytes = CODEC.encode(message);
    bytes[position % bytes.length] = value;
    assertDecodesCanonicallyOrRefuses(bytes);
  }

  @Property(tries = 1000)
  void truncatingAValidMessageIsAlwaysRefused(@ForAll("messages") BroadcastMessage message,
      @ForAll @IntRange(min = 1, max = 5000) int cut) {
    byte[] bytes = CODEC.encode(message);
    if (bytes.length < 2) {
      return;
    }
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 1 - cut % (bytes.length - 1));
    try {
      CODEC.decode(truncated);
    } catch (BroadcastDecodeException expected) {
      return;
    }
    throw new AssertionError(message + " truncated to " + truncated.length + " bytes still decoded");
  }

  @Provide
  Arbitrary<BroadcastMessage> gossips() {
    return BroadcastArbitraries.gossips();
  }

  @Provide
  Arbitrary<BroadcastMessage> ihaves() {
    return BroadcastArbitraries.ihaves();
  }

  @Provide
  Arbitrary<BroadcastMessage> grafts() {
    return BroadcastArbitraries.grafts();
  }

  @Provide
  Arbitrary<BroadcastMessage> prunes() {
    return BroadcastArbitraries.prunes();
  }

  @Provide
  Arbitrary<BroadcastMessage> messages() {
    return BroadcastArbitraries.messages();
  }

  private static void assertRoundTrip(BroadcastMessage message) throws BroadcastDecodeException {
    byte[] encoded = CODEC.encode(message);
    assertThat(encoded.length).isLessThanOrEqualTo(CODEC.maxEncodedSize());
    assertThat(CODEC.decode(encoded)).isEqualTo(message);
  }

  /** Either a decode error, or a message that encodes back to exactly the same bytes. */
  static void assertDecodesCanonicallyOrRefuses(byte[] bytes) {
    BroadcastMessage decoded;
    try {
      decoded = CODEC.decode(bytes);
    } catch (BroadcastDecodeException refused) {
      return;
    }
    assertThat(CODEC.encode(decoded)).as("%s re-encodes to its input", decoded).isEqualTo(bytes);
  }
}
