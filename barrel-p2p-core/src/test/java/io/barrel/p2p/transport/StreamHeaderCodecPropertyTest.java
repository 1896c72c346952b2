package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.transport.StreamHeaderCodec.Complete;
import io.barrel.p2p.transport.StreamHeaderCodec.NeedMore;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class StreamHeaderCodecPropertyTest {

  @Property(tries = 1000)
  void everyHeaderRoundTripsWhateverPayloadFollows(@ForAll("headers") StreamHeader header,
      @ForAll @Size(max = 100) byte[] payload) throws StreamHeaderException {
    byte[] encoded = StreamHeaderCodec.encode(header);
    byte[] stream = Arrays.copyOf(encoded, encoded.length + payload.length);
    System.arraycopy(payload, 0, stream, encoded.length, payload.length);

    assertThat(encoded.length).isLessThanOrEqualTo(StreamHeaderCodec.MAX_HEADER_LENGTH);
    assertThat(StreamHeaderCodec.decode(stream)).isEqualTo(new Complete(header, encoded.length));
  }

  @Property(tries = 1000)
  void headerArrivingByteByByteNeedsMoreUntilItsLastByte(@ForAll("headers") StreamHeader header)
      throws StreamHeaderException {
    byte[] encoded = StreamHeaderCodec.encode(header);
    for (int length = 0; length < encoded.length; length++) {
      assertThat(StreamHeaderCodec.decode(encoded, 0, length)).isInstanceOf(NeedMore.class);
    }
    assertThat(StreamHeaderCodec.decode(encoded)).isEqualTo(new Complete(header, encoded.length));
  }

  @Property(tries = 2000)
  void randomBytesNeedMoreDecodeCanonicallyOrRaiseAHeaderError(@ForAll @Size(max = 100) byte[] bytes) {
    StreamHeaderChecks.checkPrefixesAgree(bytes);
  }

  @Property(tries = 2000)
  void bytesStartingLikeAHeaderNeedMoreDecodeCanonicallyOrRaiseAHeaderError(@ForAll @Size(max = 80) byte[] tail) {
    byte[] bytes = new byte[3 + tail.length];
    bytes[0] = (byte) StreamHeaderCodec.MAGIC;
    bytes[1] = (byte) StreamHeaderCodec.VERSION;
    bytes[2] = (byte) StreamHeaderCodec.APP;
    System.arraycopy(tail, 0, bytes, 3, tail.length);
    StreamHeaderChecks.checkPrefixesAgree(bytes);
  }

  @Provide
  Arbitrary<StreamHeader> headers() {
    Arbitrary<String> tags = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withCharRange('0', '9').withChars('.', '_', ':', '/', '-').ofMinLength(1).ofMaxLength(64);
    return Arbitraries.oneOf(
        Arbitraries.just(new StreamHeader.Auth()),
        Arbitraries.just(new StreamHeader.Control()),
        Arbitraries.just(new StreamHeader.Data()),
        tags.map(StreamHeader.App::new));
  }
}
