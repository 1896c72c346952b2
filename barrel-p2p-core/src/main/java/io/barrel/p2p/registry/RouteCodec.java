package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.crdt.CrdtDecodeException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The wire form of the overlay fallback's messages, on the registry's control channel. One encoding
 * per message (the decoder refuses trailing bytes and anything out of range), every length checked
 * before it is used, and nothing allocated beyond what the bytes already hold.
 *
 * <pre>
 * 5 ROUTE_REQUEST  u64 search | str8 origin | str16 service | u8 ttl | u32 budget ms | u8 n, str8 visited × n
 * 6 ROUTE_REPLY    u64 search | str8 origin | u8 outcome (0 not found, 1 found, 2 overloaded)
 *                  | u8 n, str8 visited × n | found only: u16 length, service instance
 * str8 = u8 length | bytes (node names: ASCII); str16 = u16 length | UTF-8
 * </pre>
 *
 * <p>Bounds: TTL up to {@value OverlayConfig#MAX_TTL}, budget up to
 * {@value OverlayConfig#MAX_TIMEOUT_MILLIS} ms, at most {@value RegistryMessage#MAX_VISITED} visited
 * names, service names as {@link ServiceInstance#checkServiceName} allows, instances as
 * {@link ServiceInstanceCodec} reads them.
 */
final class RouteCodec {

  static final int REQUEST = 5;
  static final int REPLY = 6;
  private static final ServiceInstanceCodec INSTANCES = new ServiceInstanceCodec();

  /** A str8 node name of the longest kind. */
  private static final int NAME_BYTES = 1 + NodeName.MAX_LENGTH;
  /** The count and the most visited names. */
  private static final int VISITED_BYTES = 1 + RegistryMessage.MAX_VISITED * NAME_BYTES;

  private RouteCodec() {}

  /** The longest route request: the longest origin, service name and visited names. */
  static int maxRequestBytes() {
    return 1 + 8 + NAME_BYTES + 2 + ServiceInstance.MAX_SERVICE_BYTES + 1 + 4 + VISITED_BYTES;
  }

  /** The longest route reply carrying an instance of at most {@code instanceBytes} encoded bytes. */
  static int maxReplyBytes(int instanceBytes) {
    return 1 + 8 + NAME_BYTES + 1 + VISITED_BYTES + 2 + instanceBytes;
  }

  static byte[] encode(RegistryMessage.RouteRequest r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(REQUEST);
    u64(out, r.search());
    name(out, r.origin());
    byte[] service = r.service().getBytes(StandardCharsets.UTF_8);
    u16(out, service.length);
    out.writeBytes(service);
    out.write(r.ttl());
    out.writeBytes(ByteBuffer.allocate(4).putInt(r.budgetMillis()).array());
    visited(out, r.visited());
    return out.toByteArray();
  }

  static byte[] encode(RegistryMessage.RouteReply r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(REPLY);
    u64(out, r.search());
    name(out, r.origin());
    out.write(r.outcome().ordinal());
    visited(out, r.visited());
    if (r.instance().isPresent()) {
      byte[] instance = INSTANCES.encode(r.instance().get());
      u16(out, instance.length);
      out.writeBytes(instance);
    }
    return out.toByteArray();
  }

  private static void u64(ByteArrayOutputStream out, long v) {
    out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
  }

  private static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }

  private static void name(ByteArrayOutputStream out, NodeName node) {
    byte[] b = node.toString().getBytes(StandardCharsets.US_ASCII);
    out.write(b.length);
    out.writeBytes(b);
  }

  private static void visited(ByteArrayOutputStream out, List<NodeName> visited) {
    out.write(visited.size());
    visited.forEach(n -> name(out, n));
  }

  /**
   * Reads a route request or reply, type byte included.
   *
   * @throws IllegalArgumentException with what was wrong
   */
  static RegistryMessage decode(byte[] bytes) {
    Reader r = new Reader(bytes);
    int type = r.u8();
    long search = r.u64();
    NodeName origin = r.name();
    RegistryMessage message;
    if (type == REQUEST) {
      String service = r.service();
      int ttl = r.u8();
      if (ttl > OverlayConfig.MAX_TTL) {
        throw new IllegalArgumentException("route ttl " + ttl + " above " + OverlayConfig.MAX_TTL);
      }
      long budget = r.u32();
      if (budget > OverlayConfig.MAX_TIMEOUT_MILLIS) {
        throw new IllegalArgumentException("route budget " + budget + " ms above " + OverlayConfig.MAX_TIMEOUT_MILLIS);
      }
      message = new RegistryMessage.RouteRequest(search, origin, service, ttl, (int) budget, r.visited());
    } else if (type == REPLY) {
      int code = r.u8();
      RegistryMessage.RouteOutcome[] outcomes = RegistryMessage.RouteOutcome.values();
      if (code >= outcomes.length) {
        throw new IllegalArgumentException("unknown route outcome " + code);
      }
      RegistryMessage.RouteOutcome outcome = outcomes[code];
      List<NodeName> visited = r.visited();
      Optional<ServiceInstance> instance = Optional.empty();
      if (outcome == RegistryMessage.RouteOutcome.FOUND) {
        int length = r.u16();
        try {
          instance = Optional.of(INSTANCES.decode(r.bytes(length)));
        } catch (CrdtDecodeException e) {
          throw new IllegalArgumentException("route reply instance: " + e.getMessage());
        }
      }
      message = new RegistryMessage.RouteReply(search, origin, outcome, visited, instance);
    } else {
      throw new IllegalArgumentException("not a route message: type " + type);
    }
    if (r.remaining() != 0) {
      throw new IllegalArgumentException(r.remaining() + " bytes after a route message");
    }
    return message;
  }

  /** A bounds-checked cursor; every failure is an {@link IllegalArgumentException}. */
  private static final class Reader {
    private final byte[] bytes;
    private int pos;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - pos;
    }

    int u8() {
      need(1);
      return bytes[pos++] & 0xFF;
    }

    int u16() {
      return u8() << 8 | u8();
    }

    long u32() {
      need(4);
      long v = Integer.toUnsignedLong(ByteBuffer.wrap(bytes, pos, 4).getInt());
      pos += 4;
      return v;
    }

    long u64() {
      need(8);
      long v = ByteBuffer.wrap(bytes, pos, 8).getLong();
      pos += 8;
      return v;
    }

    byte[] bytes(int length) {
      need(length);
      byte[] out = java.util.Arrays.copyOfRange(bytes, pos, pos + length);
      pos += length;
      return out;
    }

    NodeName name() {
      int length = u8();
      byte[] ascii = bytes(length);
      return NodeName.tryParse(ascii).orElseThrow(() -> new IllegalArgumentException("invalid node name in a route message"));
    }

    String service() {
      int length = u16();
      if (length > ServiceInstance.MAX_SERVICE_BYTES) {
        throw new IllegalArgumentException("service name of " + length + " bytes above "
            + ServiceInstance.MAX_SERVICE_BYTES);
      }
      need(length);
      String service;
      try {
        service = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, pos, length)).toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("a service name is not valid UTF-8");
      }
      pos += length;
      return ServiceInstance.checkServiceName(service);
    }

    List<NodeName> visited() {
      int count = u8();
      if (count > RegistryMessage.MAX_VISITED) {
        throw new IllegalArgumentException(count + " visited nodes, above " + RegistryMessage.MAX_VISITED);
      }
      List<NodeName> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        out.add(name());
      }
      return out;
    }

    private void need(int n) {
      if (bytes.length - pos < n) {
        throw new IllegalArgumentException("route message truncated");
      }
    }
  }
}
