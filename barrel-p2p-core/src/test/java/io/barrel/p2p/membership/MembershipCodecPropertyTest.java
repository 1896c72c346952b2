package io.barrel.p2p.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MembershipCodecPropertyTest {

  @Provide
  Arbitrary<MembershipMessage> messages() {
    return MembershipArbitraries.messages();
  }

  @Property(tries = 1000)
  void everyMessageRoundTrips(@ForAll("messages") MembershipMessage message) throws MembershipDecodeException {
    byte[] encoded = MembershipCodec.encode(message);
    assertThat(encoded.length).isLessThanOrEqualTo(MembershipCodec.MAX_MESSAGE_BYTES);
    assertThat(MembershipCodec.decode(encoded)).isEqualTo(message);
  }

  @Property(tries = 2000)
  void randomBytesDecodeCanonicallyOrFailWithADecodeError(@ForAll @Size(max = 600) byte[] bytes) {
    assertCanonicalOrRefused(bytes);
  }

  @Property(tries = 2000)
  void randomBodiesAfterAKnownTypeDecodeCanonicallyOrFailWithADecodeError(
      @ForAll @IntRange(min = 1, max = 7) int type, @ForAll @Size(max = 300) byte[] body) {
    byte[] message = new byte[body.length + 1];
    message[0] = (byte) type;
    System.arraycopy(body, 0, message, 1, body.length);
    assertCanonicalOrRefused(message);
  }

  @Property(tries = 2000)
  void corruptingOneByteOfAValidMessageNeverThrowsAnythingElse(@ForAll("messages") MembershipMessage message,
      @ForAll @IntRange(min = 0, max = 20_000) int position, @ForAll byte value) {
    byte[] encoded = MembershipCodec.encode(message);
    encoded[position % encoded.length] = value;
    assertCanonicalOrRefused(encoded);
  }

  @Property(tries = 1000)
  void truncatingAValidMessageIsRefused(@ForAll("messages") MembershipMessage message,
      @ForAll @IntRange(min = 1, max = 20_000) int cut) {
    byte[] encoded = MembershipCodec.encode(message);
    if (encoded.length < 2) {
      return;
    }
    byte[] truncated = Arrays.copyOf(encoded, cut % encoded.length);
    assertCanonicalOrRefused(truncated);
    if (truncated.length > 0 && !(message instanceof MembershipMessage.Shuffle)
        && !(message instanceof MembershipMessage.ShuffleReply)) {
      // fixed-shape messages cannot be a valid message once shortened
      assertRefused(truncated);
    }
  }

  private static void assertCanonicalOrRefused(byte[] bytes) {
    MembershipMessage decoded;
    try {
      decoded = MembershipCodec.decode(bytes);
    } catch (MembershipDecodeException expected) {
      return;
    }
    assertThat(MembershipCodec.encode(decoded)).isEqualTo(bytes);
  }

  private static void assertRefused(byte[] bytes) {
    try {
      MembershipCodec.decode(bytes);
    } catch (MembershipDecodeException expected) {
      return;
    }
    throw new AssertionError("a truncated message decoded: " + Arrays.toString(bytes));
  }
}
