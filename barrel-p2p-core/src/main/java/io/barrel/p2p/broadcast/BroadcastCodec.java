package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encodes and decodes Plumtree messages. Everything is big-endian; every length and count is
 * checked against this codec's bounds before anything is allocated from it; a decode either returns
 * a message that re-encodes to the same bytes or throws {@link BroadcastDecodeException} — nothing
 * else, for any input. The bytes are one control-stream frame's payload, so no length prefix.
 *
 * <pre>
 * GOSSIP (type 1)
 *  +------+---------+------+---+------------+---+-----------+-----------+-------------+
 *  | 0x01 | id (16) | hops | o | origin (o) | t | topic (t) | n         | payload (n) |
 *  +------+---------+------+---+------------+---+-----------+-----------+-------------+
 *                     u16   u8  NodeName     u8  Topic       u32,        exactly the rest
 *                           1..255 ASCII     1..64 ASCII     0..max-payload-bytes
 *
 * IHAVE (type 2)
 *  +------+-------+---------+------+---+----------+---------+------+---+----------+-----
 *  | 0x02 | count | id (16) | hops | r | root (r) | id (16) | hops | r | root (r) | ...
 *  +------+-------+---------+------+---+----------+---------+------+---+----------+-----
 *           u16,              u16   u8  NodeName     count announcements, each naming the
 *           1..max-ihave-batch      1..255 ASCII     origin (root) of the broadcast announced
 *
 * GRAFT (type 3)
 *  +------+-------+---------+------+---+----------+
 *  | 0x03 | flags | id (16) | hops | r | root (r) |   flags u8: bit 0 = resend the GOSSIP;
 *  +------+-------+---------+------+---+----------+   other bits must be 0
 *
 * PRUNE (type 4)
 *  +------+---+----------+
 *  | 0x04 | r | root (r) |   the origin whose tree the link leaves
 *  +------+---+----------+
 * </pre>
 *
 * An id is two u64, high then low. Both peers must run with the same limits: a message over the
 * receiver's limits is refused as malformed.
 */
public final class BroadcastCodec {

  static final int GOSSIP = 1;
  static final int IHAVE = 2;
  static final int GRAFT = 3;
  static final int PRUNE = 4;

  /** An announcement without its root's name: id, hops and the name's length byte. */
  private static final int ANNOUNCEMENT_FIXED_BYTES = MessageId.BYTES + 2 + 1;
  private static final int ANNOUNCEMENT_MAX_BYTES = ANNOUNCEMENT_FIXED_BYTES + NodeName.MAX_LENGTH;
  private static final int GOSSIP_FIXED_BYTES = 1 + MessageId.BYTES + 2 + 1 + 1 + 4;
  private static final int RESEND = 0x01;

  private final int maxPayloadBytes;
  private final int maxIHaveBatch;

  /**
   * A codec with explicit bounds.
   *
   * @param maxPayloadBytes largest GOSSIP payload, 0..{@link PlumtreeConfig#MAX_PAYLOAD_LIMIT}
   * @param maxIHaveBatch most announcements per IHAVE, 1..{@link BroadcastMessage#MAX_ANNOUNCEMENTS}
   */
  public BroadcastCodec(int maxPayloadBytes, int maxIHaveBatch) {
    if (maxPayloadBytes < 0 || maxPayloadBytes > PlumtreeConfig.MAX_PAYLOAD_LIMIT) {
      throw new IllegalArgumentException("max payload must be 0.." + PlumtreeConfig.MAX_PAYLOAD_LIMIT
          + " bytes, got " + maxPayloadBytes);
    }
    if (maxIHaveBatch < 1 || maxIHaveBatch > BroadcastMessage.MAX_ANNOUNCEMENTS) {
      throw new IllegalArgumentException("max IHAVE batch must be 1.." + BroadcastMessage.MAX_ANNOUNCEMENTS
          + ", got " + maxIHaveBatch);
    }
    this.maxPayloadBytes = maxPayloadBytes;
    this.maxIHaveBatch = maxIHaveBatch;
  }

  /** A codec with the bounds of {@code config}. */
  public static BroadcastCodec of(PlumtreeConfig config) {
    return new BroadcastCodec(config.maxPayloadBytes(), config.maxIHaveBatch());
  }

  /** The largest message this codec encodes or accepts, in bytes; the transport's frame limit must allow it. */
  public int maxEncodedSize() {
    int gossip = GOSSIP_FIXED_BYTES + NodeName.MAX_LENGTH + Topic.MAX_LENGTH + maxPayloadBytes;
    int ihave = 1 + 2 + maxIHaveBatch * ANNOUNCEMENT_MAX_BYTES;
    // GRAFT (2 + an announcement) and PRUNE (2 + a name) are smaller than either.
    return Math.max(gossip, ihave);
  }

  /**
   * Encodes a message.
   *
   * @throws IllegalArgumentException when the message exceeds this codec's bounds
   */
  public byte[] encode(BroadcastMessage message) {
    // Java 17 has no pattern switch; the chain ends in an error so a new message type cannot slip by.
    if (message instanceof BroadcastMessage.Gossip g) {
      return gossip(g);
    } else if (message instanceof BroadcastMessage.IHave i) {
      return ihave(i);
    } else if (message instanceof BroadcastMessage.Graft g) {
      byte[] root = g.root().toBytes();
      ByteBuffer out = ByteBuffer.allocate(2 + ANNOUNCEMENT_FIXED_BYTES + root.length).put((byte) GRAFT)
          .put((byte) (g.resend() ? RESEND : 0));
      return putName(putId(out, g.id()).putShort((short) g.hops()), root).array();
    } else if (message instanceof BroadcastMessage.Prune p) {
      byte[] root = p.root().toBytes();
      return putName(ByteBuffer.allocate(2 + root.length).put((byte) PRUNE), root).array();
    }
    throw new IllegalArgumentException("not a broadcast message: " + message);
  }

  private byte[] gossip(BroadcastMessage.Gossip g) {
    byte[] payload = g.sharedPayload();
    if (payload.length > maxPayloadBytes) {
      throw new IllegalArgumentException("GOSSIP payload of " + payload.length + " bytes exceeds the "
          + maxPayloadBytes + "-byte limit (barrel.p2p.broadcast.max-payload-bytes)");
    }
    byte[] origin = g.origin().toBytes();
    byte[] topic = g.topic().toBytes();
    ByteBuffer out = ByteBuffer.allocate(GOSSIP_FIXED_BYTES + origin.length + topic.length + payload.length);
    putId(out.put((byte) GOSSIP), g.id()).putShort((short) g.hops())
        .put((byte) origin.length).put(origin).put((byte) topic.length).put(topic)
        .putInt(payload.length).put(payload);
    return out.array();
  }

  private byte[] ihave(BroadcastMessage.IHave ihave) {
    List<BroadcastMessage.Announcement> announcements = ihave.announcements();
    if (announcements.size() > maxIHaveBatch) {
      throw new IllegalArgumentException("IHAVE of " + announcements.size() + " announcements exceeds the limit of "
          + maxIHaveBatch + " (barrel.p2p.broadcast.max-ihave-batch)");
    }
    List<byte[]> roots = new ArrayList<>(announcements.size());
    int size = 3;
    for (BroadcastMessage.Announcement a : announcements) {
      byte[] root = a.root().toBytes();
      roots.add(root);
      size += ANNOUNCEMENT_FIXED_BYTES + root.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size).put((byte) IHAVE).putShort((short) announcements.size());
    for (int i = 0; i < announcements.size(); i++) {
      BroadcastMessage.Announcement a = announcements.get(i);
      putName(putId(out, a.id()).putShort((short) a.hops()), roots.get(i));
    }
    return out.array();
  }

  private static ByteBuffer putId(ByteBuffer out, MessageId id) {
    return out.putLong(id.high()).putLong(id.low());
  }

  private static ByteBuffer putName(ByteBuffer out, byte[] name) {
    return out.put((byte) name.length).put(name);
  }

  /**
   * Decodes one message.
   *
   * @throws BroadcastDecodeException for anything that is not exactly one valid message within bounds
   */
  public BroadcastMessage decode(byte[] bytes) throws BroadcastDecodeException {
    if (bytes == null || bytes.length == 0) {
      throw new BroadcastDecodeException("empty broadcast message: a message holds at least its type byte");
    }
    if (bytes.length > maxEncodedSize()) {
      throw new BroadcastDecodeException("broadcast message of " + bytes.length + " bytes exceeds the "
          + maxEncodedSize() + "-byte limit");
    }
    WireReader in = new WireReader(bytes);
    int type = in.u8();
    BroadcastMessage message;
    switch (type) {
      case GOSSIP -> message = decodeGossip(in);
      case IHAVE -> message = decodeIHave(in);
      case GRAFT -> {
        int flags = in.u8();
        if ((flags & ~RESEND) != 0) {
          throw new BroadcastDecodeException("GRAFT has unknown flag bits 0x" + Integer.toHexString(flags));
        }
        MessageId id = in.id();
        int hops = in.u16();
        message = new BroadcastMessage.Graft(id, root(in, "GRAFT"), hops, (flags & RESEND) != 0);
      }
      case PRUNE -> message = new BroadcastMessage.Prune(root(in, "PRUNE"));
      default -> throw new BroadcastDecodeException("unknown broadcast message type " + type);
    }
    in.requireEnd(message);
    return message;
  }

  private BroadcastMessage decodeGossip(WireReader in) throws BroadcastDecodeException {
    MessageId id = in.id();
    int hops = in.u16();
    Optional<NodeName> origin = NodeName.tryParse(in.bytes(in.u8(), "origin"));
    if (origin.isEmpty()) {
      throw new BroadcastDecodeException("GOSSIP origin is not a valid node name");
    }
    Optional<Topic> topic = Topic.tryParse(in.bytes(in.u8(), "topic"));
    if (topic.isEmpty()) {
      throw new BroadcastDecodeException("GOSSIP topic breaks the topic rules (1.." + Topic.MAX_LENGTH
          + " characters of A-Z a-z 0-9 _ . : / -)");
    }
    long length = in.u32();
    if (length > maxPayloadBytes) {
      throw new BroadcastDecodeException("GOSSIP payload of " + length + " bytes exceeds the " + maxPayloadBytes
          + "-byte limit (barrel.p2p.broadcast.max-payload-bytes)");
    }
    byte[] payload = in.bytes((int) length, "payload");
    return new BroadcastMessage.Gossip(id, topic.get(), payload, hops, origin.get());
  }

  private BroadcastMessage decodeIHave(WireReader in) throws BroadcastDecodeException {
    int count = in.u16();
    if (count < 1 || count > maxIHaveBatch) {
      throw new BroadcastDecodeException("IHAVE announces " + count + " messages; 1.." + maxIHaveBatch
          + " allowed (barrel.p2p.broadcast.max-ihave-batch)");
    }
    // Checked before anything is read: each announcement holds at least a one-character root name.
    int least = count * (ANNOUNCEMENT_FIXED_BYTES + 1);
    int most = count * ANNOUNCEMENT_MAX_BYTES;
    if (in.remaining() < least || in.remaining() > most) {
      throw new BroadcastDecodeException("IHAVE of " + count + " announcements needs " + least + ".." + most
          + " bytes after its count, found " + in.remaining());
    }
    List<BroadcastMessage.Announcement> announcements = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      MessageId id = in.id();
      int hops = in.u16();
      announcements.add(new BroadcastMessage.Announcement(id, root(in, "IHAVE"), hops));
    }
    return new BroadcastMessage.IHave(announcements);
  }

  private static NodeName root(WireReader in, String type) throws BroadcastDecodeException {
    Optional<NodeName> root = NodeName.tryParse(in.bytes(in.u8(), "root"));
    if (root.isEmpty()) {
      throw new BroadcastDecodeException(type + " root is not a valid node name");
    }
    return root.get();
  }
}
