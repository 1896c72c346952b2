package io.barrel.p2p.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire layout drawn in {@link MembershipCodec}, byte by byte, and what the decoder refuses. */
class MembershipCodecTest {

  private static final NodeName A = NodeName.of("a@h");
  private static final NodeName B = NodeName.of("bb@h2");

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] name(NodeName n) {
    byte[] ascii = n.toString().getBytes(StandardCharsets.US_ASCII);
    return concat(bytes(ascii.length), ascii);
  }

  @Test
  void eachMessageHasTheDocumentedLayout() throws MembershipDecodeException {
    assertEncoding(new MembershipMessage.Join(), bytes(1));
    assertEncoding(new MembershipMessage.ForwardJoin(A, 6), concat(bytes(2, 6), name(A)));
    assertEncoding(new MembershipMessage.Neighbor(NeighborPriority.LOW), bytes(3, 0));
    assertEncoding(new MembershipMessage.Neighbor(NeighborPriority.HIGH), bytes(3, 1));
    assertEncoding(new MembershipMessage.NeighborReply(false), bytes(4, 0));
    assertEncoding(new MembershipMessage.NeighborReply(true), bytes(4, 1));
    assertEncoding(new MembershipMessage.Disconnect(false), bytes(5, 0));
    assertEncoding(new MembershipMessage.Disconnect(true), bytes(5, 1));
    assertEncoding(new MembershipMessage.Shuffle(A, 3, List.of(A, B)), concat(bytes(6, 3), name(A), bytes(2), name(A), name(B)));
    assertEncoding(new MembershipMessage.ShuffleReply(List.of()), bytes(7, 0));
    assertEncoding(new MembershipMessage.ShuffleReply(List.of(B)), concat(bytes(7, 1), name(B)));
  }

  private static void assertEncoding(MembershipMessage message, byte[] expected) throws MembershipDecodeException {
    assertThat(MembershipCodec.encode(message)).as("%s", message).isEqualTo(expected);
    assertThat(MembershipCodec.decode(expected)).isEqualTo(message);
  }

  @Test
  void largestShuffleFitsTheDeclaredBound() throws MembershipDecodeException {
    NodeName longest = NodeName.of("n".repeat(127) + "@" + "h".repeat(127));
    MembershipMessage.Shuffle shuffle = new MembershipMessage.Shuffle(longest, 255,
        Collections.nCopies(MembershipMessage.MAX_IDS, longest));
    byte[] encoded = MembershipCodec.encode(shuffle);
    assertThat(encoded).hasSize(MembershipCodec.MAX_MESSAGE_BYTES);
    assertThat(MembershipCodec.decode(encoded)).isEqualTo(shuffle);
  }

  @Test
  void emptyInputIsRefused() {
    assertRefused(new byte[0], "empty");
    assertThatThrownBy(() -> MembershipCodec.decode(null)).isInstanceOf(MembershipDecodeException.class);
  }

  @Test
  void unknownTypeIsRefused() {
    assertRefused(bytes(0), "unknown membership message type 0");
    assertRefused(bytes(8), "unknown membership message type 8");
    assertRefused(bytes(255, 1), "unknown membership message type 255");
  }

  @Test
  void trailingBytesAreRefused() {
    assertRefused(bytes(1, 0), "trailing");
    assertRefused(bytes(4, 1, 1), "trailing");
  }

  @Test
  void flagsOtherThanZeroOrOneAreRefused() {
    assertRefused(bytes(3, 2), "priority must be 0 or 1");
    assertRefused(bytes(4, 255), "accepted must be 0 or 1");
    assertRefused(bytes(5, 7), "alive must be 0 or 1");
  }

  @Test
  void truncatedMessagesAreRefused() {
    assertRefused(bytes(3), "ends before its priority");
    assertRefused(bytes(2), "ends before its ttl");
    assertRefused(bytes(2, 1), "ends before its new node length");
    assertRefused(bytes(2, 1, 5, 'a', '@'), "claims 5 bytes but only 2 are left");
    assertRefused(concat(bytes(6, 1), name(A)), "ends before its name count");
    assertRefused(concat(bytes(7, 2), name(A)), "ends before its node name 1 length");
  }

  @Test
  void invalidNodeNamesAreRefused() {
    assertRefused(bytes(2, 0, 0), "empty node name");
    assertRefused(concat(bytes(2, 0, 3), "abc".getBytes(StandardCharsets.US_ASCII)), "not a valid node name");
    assertRefused(concat(bytes(2, 0, 4), bytes('a', '@', 'h', 0)), "not a valid node name");
    assertRefused(concat(bytes(7, 1, 4), bytes('a', '@', '/', 'x')), "not a valid node name");
  }

  @Test
  void moreNamesThanTheLimitAreRefusedBeforeAnyIsRead() {
    assertRefused(bytes(7, 65), "at most 64 node names");
    assertRefused(concat(bytes(6, 0), name(A), bytes(200)), "at most 64 node names");
  }

  @Test
  void inputLongerThanAnyMessageIsRefusedUpFront() {
    assertRefused(new byte[MembershipCodec.MAX_MESSAGE_BYTES + 1], "exceeds");
  }

  @Test
  void messagesRefuseValuesTheWireCannotCarry() {
    assertThatThrownBy(() -> new MembershipMessage.ForwardJoin(A, 256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MembershipMessage.Shuffle(A, -1, List.of())).isInstanceOf(IllegalArgumentException.class);
    List<NodeName> tooMany = new ArrayList<>(Collections.nCopies(65, A));
    assertThatThrownBy(() -> new MembershipMessage.ShuffleReply(tooMany)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 64");
  }

  private static void assertRefused(byte[] input, String messagePart) {
    assertThatThrownBy(() -> MembershipCodec.decode(input)).isInstanceOf(MembershipDecodeException.class)
        .hasMessageContaining(messagePart);
  }
}
