package io.barrel.p2p.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class BroadcastCodecTest {

  private static final BroadcastCodec CODEC = new BroadcastCodec(64, 4);
  private static final MessageId ID = new MessageId(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
  private static final String ID_HEX = "0102030405060708090a0b0c0d0e0f10";
  private static final NodeName ROOT = NodeName.of("r@h");
  /** The root's name on the wire: its length, then its ASCII bytes. */
  private static final String ROOT_HEX = "03" + "724068";

  @Test
  void pruneIsTheTypeByteAndTheRootsName() throws BroadcastDecodeException {
    assertThat(hex(CODEC.encode(new BroadcastMessage.Prune(ROOT)))).isEqualTo("04" + ROOT_HEX);
    assertThat(CODEC.decode(HexFormat.of().parseHex("04" + ROOT_HEX))).isEqualTo(new BroadcastMessage.Prune(ROOT));
  }

  @Test
  void graftLayoutIsTypeFlagsIdHopsRoot() throws BroadcastDecodeException {
    byte[] resend = CODEC.encode(new BroadcastMessage.Graft(ID, ROOT, 0x0203, true));
    byte[] swap = CODEC.encode(new BroadcastMessage.Graft(ID, ROOT, 7, false));

    assertThat(hex(resend)).isEqualTo("0301" + ID_HEX + "0203" + ROOT_HEX);
    assertThat(hex(swap)).isEqualTo("0300" + ID_HEX + "0007" + ROOT_HEX);
    assertThat(CODEC.decode(resend)).isEqualTo(new BroadcastMessage.Graft(ID, ROOT, 0x0203, true));
  }

  @Test
  void ihaveLayoutIsTypeCountThenIdHopsAndRootPerAnnouncement() throws BroadcastDecodeException {
    BroadcastMessage.IHave ihave = new BroadcastMessage.IHave(List.of(new BroadcastMessage.Announcement(ID, ROOT, 1),
        new BroadcastMessage.Announcement(new MessageId(0, 1), NodeName.of("a@h"), 0xffff)));

    byte[] bytes = CODEC.encode(ihave);

    assertThat(hex(bytes)).isEqualTo("020002" + ID_HEX + "0001" + ROOT_HEX
        + "00000000000000000000000000000001" + "ffff" + "03" + hex(ascii("a@h")));
    assertThat(CODEC.decode(bytes)).isEqualTo(ihave);
  }

  @Test
  void pruneWithoutARootIsRefused() {
    assertRefused(new byte[] {4}, "ends early");
    assertRefused(new byte[] {4, 0}, "PRUNE root is not a valid node name");
  }

  @Test
  void rootsThatAreNotNodeNamesAreRefused() {
    byte[] prune = CODEC.encode(new BroadcastMessage.Prune(ROOT));
    prune[2] = ' ';
    byte[] graft = CODEC.encode(new BroadcastMessage.Graft(ID, ROOT, 1, true));
    graft[graft.length - 1] = '@';
    byte[] ihave = CODEC.encode(new BroadcastMessage.IHave(List.of(new BroadcastMessage.Announcement(ID, ROOT, 1))));
    ihave[ihave.length - 3] = '@';

    assertRefused(prune, "PRUNE root");
    assertRefused(graft, "GRAFT root");
    assertRefused(ihave, "IHAVE root");
  }

  @Test
  void rootNameLongerThanTheMessageIsRefused() {
    byte[] graft = CODEC.encode(new BroadcastMessage.Graft(ID, ROOT, 1, true));
    graft[graft.length - 4] = (byte) 200;
    assertRefused(graft, "ends early");
  }

  @Test
  void gossipLayoutIsTypeIdHopsOriginTopicThenLengthPrefixedPayload() throws BroadcastDecodeException {
    BroadcastMessage.Gossip gossip = new BroadcastMessage.Gossip(ID, Topic.of("t1"), new byte[] {(byte) 0xaa, 0x55},
        3, NodeName.of("a@h"));

    byte[] bytes = CODEC.encode(gossip);

    assertThat(hex(bytes)).isEqualTo("01" + ID_HEX + "0003" + "03" + hex(ascii("a@h")) + "02" + hex(ascii("t1"))
        + "00000002" + "aa55");
    assertThat(CODEC.decode(bytes)).isEqualTo(gossip);
  }

  @Test
  void emptyInputIsRefused() {
    assertRefused(new byte[0], "empty");
  }

  @Test
  void unknownTypeIsRefused() {
    assertRefused(new byte[] {9}, "unknown broadcast message type 9");
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] prune = CODEC.encode(new BroadcastMessage.Prune(ROOT));
    assertRefused(java.util.Arrays.copyOf(prune, prune.length + 1), "trailing");
  }

  @Test
  void graftWithUnknownFlagBitsIsRefused() {
    byte[] bytes = CODEC.encode(new BroadcastMessage.Graft(ID, ROOT, 1, true));
    bytes[1] = 3;
    assertRefused(bytes, "flag");
  }

  @Test
  void declaredPayloadOverTheLimitIsRefusedBeforeAnythingIsAllocated() {
    byte[] bytes = gossipWithDeclaredLength(0xffffffffL);
    assertRefused(bytes, "4294967295 bytes exceeds the 64-byte limit");
  }

  @Test
  void declaredPayloadLongerThanTheMessageIsRefused() {
    assertRefused(gossipWithDeclaredLength(10), "ends early");
  }

  @Test
  void gossipWithAnInvalidTopicIsRefused() {
    byte[] bytes = CODEC.encode(new BroadcastMessage.Gossip(ID, Topic.of("ab"), new byte[0], 1, NodeName.of("a@h")));
    bytes[1 + 16 + 2 + 1 + 3 + 1] = ' ';
    assertRefused(bytes, "topic");
  }

  @Test
  void gossipWithAnInvalidOriginIsRefused() {
    byte[] bytes = CODEC.encode(new BroadcastMessage.Gossip(ID, Topic.of("ab"), new byte[0], 1, NodeName.of("a@h")));
    bytes[1 + 16 + 2 + 1 + 1] = 'x';
    assertRefused(bytes, "origin");
  }

  @Test
  void ihaveWithNoAnnouncementsIsRefused() {
    assertRefused(new byte[] {2, 0, 0}, "IHAVE announces 0");
  }

  @Test
  void ihaveOverTheBatchLimitIsRefusedFromItsCount() {
    assertRefused(new byte[] {2, 0, 5}, "IHAVE announces 5 messages; 1..4 allowed");
  }

  @Test
  void ihaveTooShortForItsCountIsRefusedBeforeAnythingIsRead() {
    byte[] two = CODEC.encode(new BroadcastMessage.IHave(List.of(
        new BroadcastMessage.Announcement(ID, ROOT, 1), new BroadcastMessage.Announcement(ID, ROOT, 2))));
    assertRefused(java.util.Arrays.copyOf(two, 3 + 39), "IHAVE of 2 announcements needs 40..548 bytes");
  }

  @Test
  void ihaveWhoseAnnouncementsEndBeforeItsCountIsRefused() {
    byte[] two = CODEC.encode(new BroadcastMessage.IHave(List.of(
        new BroadcastMessage.Announcement(ID, ROOT, 1), new BroadcastMessage.Announcement(ID, ROOT, 2))));
    assertRefused(java.util.Arrays.copyOf(two, two.length - 1), "ends early");
  }

  @Test
  void ihaveWithBytesAfterItsLastAnnouncementIsRefused() {
    byte[] one = CODEC.encode(new BroadcastMessage.IHave(List.of(new BroadcastMessage.Announcement(ID, ROOT, 1))));
    assertRefused(java.util.Arrays.copyOf(one, one.length + 2), "trailing");
  }

  @Test
  void messageLongerThanTheLargestPossibleIsRefusedFromItsSize() {
    assertRefused(new byte[CODEC.maxEncodedSize() + 1], "exceeds");
  }

  @Test
  void encodeRefusesWhatTheReceiverWouldRefuse() {
    BroadcastMessage.Gossip big = new BroadcastMessage.Gossip(ID, Topic.of("t"), new byte[65], 1, NodeName.of("a@h"));
    List<BroadcastMessage.Announcement> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(new BroadcastMessage.Announcement(ID, ROOT, i));
    }

    assertThatThrownBy(() -> CODEC.encode(big)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max-payload-bytes");
    assertThatThrownBy(() -> CODEC.encode(new BroadcastMessage.IHave(five)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max-ihave-batch");
  }

  @Test
  void maxEncodedSizeCoversTheLargestGossip() throws BroadcastDecodeException {
    BroadcastCodec oneAnnouncement = new BroadcastCodec(64, 1); // so that the GOSSIP is the largest message
    String longName = "n".repeat(127) + "@" + "h".repeat(127);
    BroadcastMessage.Gossip largest = new BroadcastMessage.Gossip(ID, Topic.of("t".repeat(Topic.MAX_LENGTH)),
        new byte[64], BroadcastMessage.MAX_HOPS, NodeName.of(longName));

    byte[] bytes = oneAnnouncement.encode(largest);

    assertThat(bytes.length).isEqualTo(oneAnnouncement.maxEncodedSize());
    assertThat(oneAnnouncement.decode(bytes)).isEqualTo(largest);
  }

  @Test
  void maxEncodedSizeCoversTheLargestIHave() throws BroadcastDecodeException {
    NodeName longest = NodeName.of("n".repeat(127) + "@" + "h".repeat(127));
    BroadcastCodec smallPayloads = new BroadcastCodec(1, 4);
    List<BroadcastMessage.Announcement> four = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      four.add(new BroadcastMessage.Announcement(ID, longest, BroadcastMessage.MAX_HOPS));
    }

    byte[] bytes = smallPayloads.encode(new BroadcastMessage.IHave(four));

    assertThat(bytes.length).isEqualTo(smallPayloads.maxEncodedSize()).isEqualTo(3 + 4 * (16 + 2 + 1 + 255));
    assertThat(smallPayloads.decode(bytes)).isEqualTo(new BroadcastMessage.IHave(four));
  }

  @Test
  void codecFromConfigUsesItsLimits() {
    BroadcastCodec codec = BroadcastCodec.of(PlumtreeConfig.defaults().withMaxPayloadBytes(100_000));

    assertThat(codec.maxEncodedSize()).isEqualTo(1 + 16 + 2 + 1 + 255 + 1 + 64 + 4 + 100_000);
  }

  @Test
  void everyFuzzSeedDecodesCanonicallyOrIsRefused() throws IOException {
    for (String seed : List.of("gossip", "gossip_empty_payload", "gossip_max_hops", "ihave_one", "graft_resend",
        "graft_swap", "prune", "gossip_huge_declared_length", "ihave_count_mismatch", "prune_bad_root",
        "ihave_bad_root", "graft_root_overrun")) {
      try (InputStream in = getClass().getResourceAsStream("BroadcastCodecFuzzTestInputs/decodeMessages/" + seed)) {
        assertThat(in).as(seed).isNotNull();
        BroadcastCodecPropertyTest.assertDecodesCanonicallyOrRefuses(in.readAllBytes());
      }
    }
  }

  private static byte[] gossipWithDeclaredLength(long declared) {
    byte[] bytes = CODEC.encode(new BroadcastMessage.Gossip(ID, Topic.of("t"), new byte[0], 1, NodeName.of("a@h")));
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) declared);
    return bytes;
  }

  private static void assertRefused(byte[] bytes, String why) {
    assertThatThrownBy(() -> CODEC.decode(bytes)).isInstanceOf(BroadcastDecodeException.class)
        .hasMessageContaining(why);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
