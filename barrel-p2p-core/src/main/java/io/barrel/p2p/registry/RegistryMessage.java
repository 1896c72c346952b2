package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What registries say to each other. Deltas and leases are broadcast to every node; digests and the
 * chunks answering them go to one peer over the control stream (anti-entropy), and so do the
 * requests and replies of the overlay fallback of {@code whereis} (drawn in {@link RouteCodec}). The
 * CRDT parts stay opaque bytes here: the OR-Map codec decodes them, bounded, when they are ingested.
 *
 * <pre>
 * u8 type | body
 *   1 DELTA   u64 incarnation of the origin | the encoded delta
 *   2 LEASE   u8 length, node name | u64 incarnation | u64 sequence | u32 own entries | u64 fingerprint
 *   3 DIGEST  u8 reply(0|1) | u64 incarnation of the sender | the encoded digest
 *   4 CHUNK   u64 incarnation of the sender | the encoded delta
 *   5 ROUTE_REQUEST, 6 ROUTE_REPLY: see {@link RouteCodec}
 * </pre>
 */
public sealed interface RegistryMessage
    permits RegistryMessage.Delta, RegistryMessage.Heartbeat, RegistryMessage.DigestOffer, RegistryMessage.Chunk,
        RegistryMessage.RouteRequest, RegistryMessage.RouteReply {

  /** Most nodes a route request or reply lists as visited. */
  int MAX_VISITED = 32;

  /** Bytes a DELTA or a CHUNK adds to its CRDT bytes: the type and the sender's incarnation. */
  int DELTA_HEADER_BYTES = 9;

  /** Bytes a DIGEST offer adds to its CRDT bytes: the type, the reply flag and the incarnation. */
  int DIGEST_HEADER_BYTES = 10;

  /**
   * A change, for every node.
   *
   * @param incarnation the life of the node that made it (the broadcast's origin): a removal of that
   *     node's instances by a later life of it is its restart, not an unregistration
   * @param bytes the encoded OR-Map delta
   */
  record Delta(long incarnation, byte[] bytes) implements RegistryMessage {
    /** Checks the fields. */
    public Delta {
      Objects.requireNonNull(bytes, "bytes");
      requireIncarnation(incarnation);
    }
  }

  /**
   * A node's lease, for every node, with a summary of the entries it holds of its own (this life's
   * registrations, by dot): a node that learnt by anti-entropy that one of them was removed can tell
   * whether the owner took it back (the owner agrees it is gone: unregistered) or not yet.
   *
   * @param lease the heartbeat
   * @param entries how many entries of its own the node holds
   * @param fingerprint {@link io.barrel.p2p.crdt.Digest.NodeSummary#fingerprint} of their dot counters
   */
  record Heartbeat(Lease lease, long entries, long fingerprint) implements RegistryMessage {
    /** Checks the fields. */
    public Heartbeat {
      Objects.requireNonNull(lease, "lease");
      if (entries < 0 || entries > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("entries must be 0..2^32-1, got " + entries);
      }
    }
  }

  /**
   * This node's digest, for one peer, which answers with what the sender lacks.
   *
   * @param incarnation the sender's life: a neighbour that restarted says so with its first word
   * @param bytes the encoded digest
   * @param reply false for the first offer (the receiver answers with its own digest too, so both
   *     sides pull), true for that answer (no further digest)
   */
  record DigestOffer(long incarnation, byte[] bytes, boolean reply) implements RegistryMessage {
    /** Checks the fields. */
    public DigestOffer {
      Objects.requireNonNull(bytes, "bytes");
      requireIncarnation(incarnation);
    }
  }

  /**
   * Part of what a peer lacked, in answer to its digest.
   *
   * @param incarnation the sender's life
   * @param bytes the encoded OR-Map delta
   */
  record Chunk(long incarnation, byte[] bytes) implements RegistryMessage {
    /** Checks the fields. */
    public Chunk {
      Objects.requireNonNull(bytes, "bytes");
      requireIncarnation(incarnation);
    }
  }

  /**
   * A search of the overlay fallback, for one neighbour: does it, or anyone it knows, have a live
   * instance of {@code service}?
   *
   * @param search the origin's number for the search; with the origin, its identity on every hop
   * @param origin the node whose {@code whereis} started it
   * @param service the service looked for
   * @param ttl hops it may still be forwarded after the receiver (0: the receiver only looks itself)
   * @param budgetMillis how long the receiver has to answer
   * @param visited nodes already asked, the path from the origin first; at most {@value #MAX_VISITED}
   */
  record RouteRequest(long search, NodeName origin, String service, int ttl, int budgetMillis,
      List<NodeName> visited) implements RegistryMessage {
    /** Checks and copies the fields. */
    public RouteRequest {
      Objects.requireNonNull(origin, "origin");
      ServiceInstance.checkServiceName(service);
      if (ttl < 0 || ttl > OverlayConfig.MAX_TTL) {
        throw new IllegalArgumentException("route ttl must be 0.." + OverlayConfig.MAX_TTL + ", got " + ttl);
      }
      if (budgetMillis < 0 || budgetMillis > OverlayConfig.MAX_TIMEOUT_MILLIS) {
        throw new IllegalArgumentException("route budget must be 0.." + OverlayConfig.MAX_TIMEOUT_MILLIS
            + " ms, got " + budgetMillis);
      }
      visited = checkVisited(visited);
    }
  }

  /** How a route request ended. */
  enum RouteOutcome {
    /** Neither the receiver nor anyone it asked had a live instance. */
    NOT_FOUND,
    /** An instance was found; the reply carries it. */
    FOUND,
    /** The receiver takes part in as many searches as it may; ask someone else. */
    OVERLOADED
  }

  /**
   * The answer to a {@link RouteRequest}, to the neighbour that sent it.
   *
   * @param search the search's number, as in the request
   * @param origin the search's origin, as in the request
   * @param outcome found, not found, or overloaded
   * @param visited the request's visited nodes and every node asked on the receiver's behalf, so the
   *     asker skips them; at most {@value #MAX_VISITED}
   * @param instance the live instance found, present exactly when {@code outcome} is FOUND
   */
  record RouteReply(long search, NodeName origin, RouteOutcome outcome, List<NodeName> visited,
      Optional<ServiceInstance> instance) implements RegistryMessage {
    /** Checks and copies the fields. */
    public RouteReply {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(instance, "instance");
      if (instance.isPresent() != (outcome == RouteOutcome.FOUND)) {
        throw new IllegalArgumentException("a route reply carries an instance exactly when it is FOUND");
      }
      visited = checkVisited(visited);
    }
  }

  private static List<NodeName> checkVisited(List<NodeName> visited) {
    List<NodeName> copy = List.copyOf(visited);
    if (copy.size() > MAX_VISITED) {
      throw new IllegalArgumentException("at most " + MAX_VISITED + " visited nodes, got " + copy.size());
    }
    return copy;
  }

  private static void requireIncarnation(long incarnation) {
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must not be negative");
    }
  }

  /** Bytes of a lease after the node name: incarnation, sequence, own entries, fingerprint. */
  int LEASE_FIELDS = 8 + 8 + 4 + 8;

  /** The message's type as metrics name it: delta, heartbeat, digest, chunk, route_request, route_reply. */
  static String typeName(RegistryMessage m) {
    if (m instanceof Delta) {
      return "delta";
    } else if (m instanceof Heartbeat) {
      return "heartbeat";
    } else if (m instanceof DigestOffer) {
      return "digest";
    } else if (m instanceof Chunk) {
      return "chunk";
    }
    return m instanceof RouteRequest ? "route_request" : "route_reply";
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
      case 5:
        return "route_request";
      case 6:
        return "route_reply";
      default:
        return null;
    }
  }

  /** The message as bytes. */
  static byte[] encode(RegistryMessage m) {
    if (m instanceof Delta d) {
      return withIncarnation(1, d.incarnation(), d.bytes());
    } else if (m instanceof Heartbeat h) {
      byte[] node = h.lease().node().toString().getBytes(StandardCharsets.US_ASCII);
      return ByteBuffer.allocate(2 + node.length + LEASE_FIELDS).put((byte) 2).put((byte) node.length).put(node)
          .putLong(h.lease().incarnation()).putLong(h.lease().sequence()).putInt((int) h.entries())
          .putLong(h.fingerprint()).array();
    } else if (m instanceof DigestOffer o) {
      return ByteBuffer.allocate(DIGEST_HEADER_BYTES + o.bytes().length).put((byte) 3).put((byte) (o.reply() ? 1 : 0))
          .putLong(o.incarnation()).put(o.bytes()).array();
    } else if (m instanceof Chunk c) {
      return withIncarnation(4, c.incarnation(), c.bytes());
    } else if (m instanceof RouteRequest r) {
      return RouteCodec.encode(r);
    } else if (m instanceof RouteReply r) {
      return RouteCodec.encode(r);
    }
    throw new AssertionError("unhandled registry message " + m);
  }

  private static byte[] withIncarnation(int type, long incarnation, byte[] body) {
    return ByteBuffer.allocate(DELTA_HEADER_BYTES + body.length).put((byte) type).putLong(incarnation).put(body)
        .array();
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
        return new Delta(incarnation(body, 0, "delta"), java.util.Arrays.copyOfRange(body, 8, body.length));
      case 2:
        return decodeHeartbeat(body);
      case 3:
        if (body.length < 1 || (body[0] & 0xFE) != 0) {
          throw new IllegalArgumentException("a digest offer needs a reply flag of 0 or 1");
        }
        return new DigestOffer(incarnation(body, 1, "digest offer"), java.util.Arrays.copyOfRange(body, 9, body.length),
            body[0] == 1);
      case 4:
        return new Chunk(incarnation(body, 0, "chunk"), java.util.Arrays.copyOfRange(body, 8, body.length));
      case 5:
      case 6:
        return RouteCodec.decode(bytes);
      default:
        throw new IllegalArgumentException("unknown registry message type " + type);
    }
  }

  private static long incarnation(byte[] body, int at, String what) {
    if (body.length < at + 8) {
      throw new IllegalArgumentException(what + " truncated: " + body.length + " bytes");
    }
    long incarnation = ByteBuffer.wrap(body, at, 8).getLong();
    if (incarnation < 0) {
      throw new IllegalArgumentException("negative incarnation " + incarnation);
    }
    return incarnation;
  }

  private static Heartbeat decodeHeartbeat(byte[] body) {
    if (body.length < 1) {
      throw new IllegalArgumentException("lease truncated");
    }
    int len = body[0] & 0xFF;
    if (body.length != 1 + len + LEASE_FIELDS) {
      throw new IllegalArgumentException("lease of " + body.length + " bytes, expected " + (1 + len + LEASE_FIELDS));
    }
    NodeName node = NodeName.of(new String(body, 1, len, StandardCharsets.US_ASCII));
    ByteBuffer b = ByteBuffer.wrap(body, 1 + len, LEASE_FIELDS);
    return new Heartbeat(new Lease(node, b.getLong(), b.getLong()), Integer.toUnsignedLong(b.getInt()), b.getLong());
  }
}
