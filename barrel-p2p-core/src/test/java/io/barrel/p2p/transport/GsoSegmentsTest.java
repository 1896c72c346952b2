package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How many datagrams one segmented send carries: never more than one IP packet's length allows. */
class GsoSegmentsTest {

  @Test
  void sixteenSegmentsOfInternetSizedDatagrams() {
    assertThat(QuicEndpoint.gsoSegments(1200)).isEqualTo(16);
    assertThat(QuicEndpoint.gsoSegments(1350)).isEqualTo(16);
    assertThat(QuicEndpoint.gsoSegments(1452)).isEqualTo(16);
  }

  @Test
  void largerDatagramsGetFewerSegmentsSoASendStaysWithinOneIpPacket() {
    for (int payload = 1200; payload <= 65527; payload += 97) {
      int segments = QuicEndpoint.gsoSegments(payload);
      assertThat(segments).as("payload %d", payload).isBetween(0, 16);
      assertThat((long) segments * payload).as("bytes of one send, payload %d", payload).isLessThanOrEqualTo(65_507);
    }
    assertThat(QuicEndpoint.gsoSegments(8952)).as("jumbo frames").isEqualTo(7);
    assertThat(QuicEndpoint.gsoSegments(16000)).isEqualTo(4);
    assertThat(QuicEndpoint.gsoSegments(32753)).isEqualTo(2);
    assertThat(QuicEndpoint.gsoSegments(32754)).as("one datagram per send: no GSO").isEqualTo(1);
  }
}
