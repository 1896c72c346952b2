package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What registries say to each other. Deltas and leases are broadcast to every node; digests and the
 * chunks answering them go to one peer over the control stream (anti-entropy). The CRDT parts stay
 * opaque bytes here: the OR-Map codec decodes them, bounded, when they are ingested.
 *
 * <pre>
 * u8 type | body
 *   1 DELTA   the encoded delta
 *   2 LEASE   u8 length, node name | u64 incarnation | u64 sequence
 *   3 DIGEST  u8 reply(0|1) | the encoded digest
 *   4 CHUNK   the encoded delta
 * </pre>
 */
public sealed interface RegistryMessage
    permits RegistryMessage.Delta, RegistryMessage.Heartbeat, RegistryMessage.DigestOffer, RegistryMessage.Chunk {

  /**
   * A change, for every node.
   *
   * @param bytes the encoded OR-Map delta
   */
  record Delta(byte[] bytes) implements RegistryMessage {
    /** Checks the bytes are present. */
    public Delta {
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /**
   * A node's lease, for every node.
   *
   * @param lease the heartbeat
   */
  record Heartbeat(Lease lease) implements RegistryMessage {
    /** Checks the lease is present. */
    public Heartbeat {
      Objects.requireNonNull(lease, "lease");
    }
  }

  /**
   * This node's digest, for one peer, which answers with what the sender lacks.
   *
   * @param bytes the encoded digest
   * @param reply false for the first offer (the receiver answers with its own digest too, so both
   *     sides pull), true for that answer (no further digest)
   */
  record DigestOffer(byte[] bytes, boolean reply) implements RegistryMessage {
    /** Checks the bytes are present. */
    public DigestOffer {
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /**
   * Part of what a peer lacked, in answer to its digest.
   *
   * @param bytes the encoded OR-Map delta
   */
  record Chunk(byte[] bytes) implements RegistryMessage {
    /** Checks the bytes are present. */
    public Chunk {
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /** The message's type as metrics name it: delta, heartbeat, digest, chunk. */
  static String typeName(RegistryMessage m) {
    if (m instanceof Delta) {
      return "delta";
    } else if (m instanceof Heartbeat) {
      return "heartbeat";
    } else if (m instanceof DigestOffer) {
      return "digest";
    }
    return "chunk";
  }

  /** The type named by an encoded message's first byte, or null when it names none. */
  static String typeName(byte[] encoded) {
    if (encoded.length == 0) {
      return null;
    }
    switch (encoded[0]) {
      case 1:
        return "delta";
      case 2:
        return "heartbeat";
      case 3:
        return "digest";
      case 4:
        return "chunk";
      default:
        return null;
    }
  }

  /** The message as bytes. */
  static byte[] encode(RegistryMessage m) {
    if (m instanceof Delta d) {
      return prefixed(1, d.bytes());
    } else if (m instanceof Heartbeat h) {
      byte[] node = h.lease().node().toString().getBytes(StandardCharsets.US_ASCII);
      return ByteBuffer.allocate(2 + node.length + 16).put((byte) 2).put((byte) node.length).put(node)
          .putLong(h.lease().incarnation()).putLong(h.lease().sequence()).array();
    } else if (m instanceof DigestOffer o) {
      byte[] out = new byte[2 + o.bytes().length];
      out[0] = 3;
      out[1] = (byte) (o.reply() ? 1 : 0);
      System.arraycopy(o.bytes(), 0, out, 2, o.bytes().length);
      return out;
    } else if (m instanceof Chunk c) {
      return prefixed(4, c.bytes());
    }
    throw new AssertionError("unhandled registry message " + m);
  }

  private static byte[] prefixed(int type, byte[] body) {
    byte[] out = new byte[1 + body.length];
    out[0] = (byte) type;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /**
   * Reads a message; the bytes were already bounded by the transport's frame limit.
   *
   * @throws IllegalArgumentException with what was wrong
   */
  static RegistryMessage decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty registry message");
    }
    int type = bytes[0] & 0xFF;
    byte[] body = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    switch (type) {
      case 1:
        return new Delta(body);
      case 2:
        return new Heartbeat(decodeLease(body));
      case 3:
        if (body.length < 1 || (body[0] & 0xFE) != 0) {
          throw new IllegalArgumentException("a digest offer needs a reply flag of 0 or 1");
        }
        return new DigestOffer(java.util.Arrays.copyOfRange(body, 1, body.length), body[0] == 1);
      case 4:
        return new Chunk(body);
      default:
        throw new IllegalArgumentException("unknown registry message type " + type);
    }
  }

  private static Lease decodeLease(byte[] body) {
    if (body.length < 1) {
      throw new IllegalArgumentException("lease truncated");
    }
    int len = body[0] & 0xFF;
    if (body.length != 1 + len + 16) {
      throw new IllegalArgumentException("lease of " + body.length + " bytes, expected " + (1 + len + 16));
    }
    NodeName node = NodeName.of(new String(body, 1, len, StandardCharsets.US_ASCII));
    ByteBuffer b = ByteBuffer.wrap(body, 1 + len, 16);
    return new Lease(node, b.getLong(), b.getLong());
  }
}
