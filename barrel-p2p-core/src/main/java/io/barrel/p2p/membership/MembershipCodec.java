package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes and decodes membership messages, the payload of a control frame on the membership
 * channel. Every length is checked before it is used and bounded by the message's own limits, so
 * no input can make the decoder allocate more than {@link #MAX_MESSAGE_BYTES}. A decode either
 * returns a message that re-encodes to exactly the same bytes or throws
 * {@link MembershipDecodeException} — nothing else, for any input.
 *
 * <pre>
 * message
 *  +------+------------------+
 *  | type | body ...         |   type u8
 *  +------+------------------+
 *
 * JOIN (1)            no body
 * FORWARD_JOIN (2)    +-----+-------------+
 *                     | ttl | new node    |   ttl u8
 *                     +-----+-------------+
 * NEIGHBOR (3)        +----------+
 *                     | priority |            u8: 0 LOW, 1 HIGH
 *                     +----------+
 * NEIGHBOR_REPLY (4)  +----------+
 *                     | accepted |            u8: 0 refused, 1 accepted
 *                     +----------+
 * DISCONNECT (5)      +-------+
 *                     | alive |               u8: 0 leaving the cluster, 1 still a member
 *                     +-------+
 * SHUFFLE (6)         +-----+--------+-------+------------------+
 *                     | ttl | origin | count | count × name     |   ttl u8; count u8, 0..64
 *                     +-----+--------+-------+------------------+
 * SHUFFLE_REPLY (7)   +-------+------------------+
 *                     | count | count × name     |                  count u8, 0..64
 *                     +-------+------------------+
 * name                +---+-----------------+
 *                     | n | n ASCII bytes   |   n u8, 1..255; name@host under NodeName's rules
 *                     +---+-----------------+
 * </pre>
 */
public final class MembershipCodec {

  /** Longest encoded message: a SHUFFLE with an origin and {@link MembershipMessage#MAX_IDS} names of the longest kind. */
  public static final int MAX_MESSAGE_BYTES = maxShuffleBytes(MembershipMessage.MAX_IDS);

  /**
   * The longest SHUFFLE (or, smaller, SHUFFLE_REPLY) carrying {@code ids} names, all of the longest
   * kind: the largest message a node whose shuffles carry that many names sends or answers.
   */
  public static int maxShuffleBytes(int ids) {
    return 1 + 1 + (1 + NodeName.MAX_LENGTH) + 1 + ids * (1 + NodeName.MAX_LENGTH);
  }

  static final int JOIN = 1;
  static final int FORWARD_JOIN = 2;
  static final int NEIGHBOR = 3;
  static final int NEIGHBOR_REPLY = 4;
  static final int DISCONNECT = 5;
  static final int SHUFFLE = 6;
  static final int SHUFFLE_REPLY = 7;

  private MembershipCodec() {}

  /** The message's bytes; every message that can be built can be encoded. */
  public static byte[] encode(MembershipMessage message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    // Java 17 has no pattern switch; the chain ends in an error so a new message cannot slip by.
    if (message instanceof MembershipMessage.Join) {
      out.write(JOIN);
    } else if (message instanceof MembershipMessage.ForwardJoin walk) {
      out.write(FORWARD_JOIN);
      out.write(walk.ttl());
      writeName(out, walk.newNode());
    } else if (message instanceof MembershipMessage.Neighbor request) {
      out.write(NEIGHBOR);
      out.write(request.priority() == NeighborPriority.HIGH ? 1 : 0);
    } else if (message instanceof MembershipMessage.NeighborReply reply) {
      out.write(NEIGHBOR_REPLY);
      out.write(reply.accepted() ? 1 : 0);
    } else if (message instanceof MembershipMessage.Disconnect disconnect) {
      out.write(DISCONNECT);
      out.write(disconnect.alive() ? 1 : 0);
    } else if (message instanceof MembershipMessage.Shuffle shuffle) {
      out.write(SHUFFLE);
      out.write(shuffle.ttl());
      writeName(out, shuffle.origin());
      writeNames(out, shuffle.ids());
    } else if (message instanceof MembershipMessage.ShuffleReply reply) {
      out.write(SHUFFLE_REPLY);
      writeNames(out, reply.ids());
    } else {
      throw new AssertionError("unhandled membership message " + message);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one whole message.
   *
   * @throws MembershipDecodeException for anything that is not exactly one valid message
   */
  public static MembershipMessage decode(byte[] bytes) throws MembershipDecodeException {
    if (bytes == null || bytes.length == 0) {
      throw new MembershipDecodeException("empty membership message");
    }
    if (bytes.length > MAX_MESSAGE_BYTES) {
      throw new MembershipDecodeException("membership message of " + bytes.length + " bytes exceeds the "
          + MAX_MESSAGE_BYTES + "-byte limit");
    }
    Reader in = new Reader(bytes);
    int type = in.u8("type");
    MembershipMessage message = switch (type) {
      case JOIN -> new MembershipMessage.Join();
      case FORWARD_JOIN -> {
        int ttl = in.u8("ttl");
        yield new MembershipMessage.ForwardJoin(in.name("new node"), ttl);
      }
      case NEIGHBOR -> new MembershipMessage.Neighbor(
          in.flag("priority") ? NeighborPriority.HIGH : NeighborPriority.LOW);
      case NEIGHBOR_REPLY -> new MembershipMessage.NeighborReply(in.flag("accepted"));
      case DISCONNECT -> new MembershipMessage.Disconnect(in.flag("alive"));
      case SHUFFLE -> {
        int ttl = in.u8("ttl");
        NodeName origin = in.name("origin");
        yield new MembershipMessage.Shuffle(origin, ttl, in.names());
      }
      case SHUFFLE_REPLY -> new MembershipMessage.ShuffleReply(in.names());
      default -> throw new MembershipDecodeException("unknown membership message type " + type);
    };
    if (in.remaining() != 0) {
      throw new MembershipDecodeException(in.remaining() + " trailing bytes after a membership message of type " + type);
    }
    return message;
  }

  private static void writeName(ByteArrayOutputStream out, NodeName name) {
    byte[] bytes = name.toBytes();
    out.write(bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  private static void writeNames(ByteArrayOutputStream out, List<NodeName> names) {
    out.write(names.size());
    for (NodeName name : names) {
      writeName(out, name);
    }
  }

  /** A cursor over the message bytes whose every read checks what is left first. */
  private static final class Reader {
    private final byte[] bytes;
    private int at;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - at;
    }

    int u8(String field) throws MembershipDecodeException {
      if (remaining() < 1) {
        throw new MembershipDecodeException("membership message ends before its " + field + " field");
      }
      return bytes[at++] & 0xff;
    }

    boolean flag(String field) throws MembershipDecodeException {
      int value = u8(field);
      if (value > 1) {
        throw new MembershipDecodeException(field + " must be 0 or 1, got " + value);
      }
      return value == 1;
    }

    NodeName name(String field) throws MembershipDecodeException {
      int length = u8(field + " length");
      if (length == 0) {
        throw new MembershipDecodeException(field + " is an empty node name");
      }
      if (remaining() < length) {
        throw new MembershipDecodeException(field + " claims " + length + " bytes but only " + remaining() + " are left");
      }
      byte[] raw = Arrays.copyOfRange(bytes, at, at + length);
      at += length;
      return NodeName.tryParse(raw).orElseThrow(
          () -> new MembershipDecodeException(field + " is not a valid node name (name@host, A-Z a-z 0-9 _ . -)"));
    }

    List<NodeName> names() throws MembershipDecodeException {
      int count = u8("name count");
      if (count > MembershipMessage.MAX_IDS) {
        throw new MembershipDecodeException("a membership message carries at most " + MembershipMessage.MAX_IDS
            + " node names, this one claims " + count);
      }
      List<NodeName> names = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        names.add(name("node name " + i));
      }
      return names;
    }
  }
}
