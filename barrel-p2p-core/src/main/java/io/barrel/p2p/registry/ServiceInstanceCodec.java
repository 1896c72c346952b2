package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.crdt.CrdtDecodeException;
import io.barrel.p2p.crdt.ValueCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The wire form of a {@link ServiceInstance} inside the registry's OR-Map deltas. One encoding per
 * value (sets and maps in sorted order, and the decoder refuses any other order), so replicas agree
 * byte for byte; every length is checked before it is used.
 *
 * <pre>
 * u8 version(1) | str16 service | str8 node | u64 incarnation | str8 instanceId
 * | str8 metadataVersion | u8 tagCount, str8 tag... | u16 weight | u8 attrCount, (str8 key, str16 value)...
 * </pre>
 */
public final class ServiceInstanceCodec implements ValueCodec<ServiceInstance> {

  /** The format version written first. */
  public static final int VERSION = 1;

  @Override
  public byte[] encode(ServiceInstance v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(VERSION);
    str(out, v.service(), 2);
    str(out, v.node().toString(), 1);
    for (int i = 7; i >= 0; i--) {
      out.write((int) (v.incarnation() >>> (8 * i)));
    }
    str(out, v.instanceId(), 1);
    ServiceMetadata m = v.metadata();
    str(out, m.version(), 1);
    out.write(m.tags().size());
    m.tags().forEach(t -> str(out, t, 1));
    out.write(m.weight() >>> 8);
    out.write(m.weight());
    out.write(m.attributes().size());
    m.attributes().forEach((k, val) -> {
      str(out, k, 1);
      str(out, val, 2);
    });
    return out.toByteArray();
  }

  private static void str(ByteArrayOutputStream out, String s, int lengthBytes) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (lengthBytes == 2) {
      out.write(b.length >>> 8);
    }
    out.write(b.length);
    out.writeBytes(b);
  }

  @Override
  public ServiceInstance decode(byte[] bytes) throws CrdtDecodeException {
    Reader r = new Reader(bytes);
    int version = r.u8();
    if (version != VERSION) {
      throw new CrdtDecodeException("unknown service instance format " + version);
    }
    String service = r.str(2);
    String node = r.str(1);
    long incarnation = r.u64();
    String instanceId = r.str(1);
    String metaVersion = r.str(1);
    int tagCount = r.u8();
    TreeSet<String> tags = new TreeSet<>();
    String previous = null;
    for (int i = 0; i < tagCount; i++) {
      String tag = r.str(1);
      if (previous != null && previous.compareTo(tag) >= 0) {
        throw new CrdtDecodeException("tags out of order or repeated");
      }
      tags.add(tag);
      previous = tag;
    }
    int weight = r.u8() << 8 | r.u8();
    int attrCount = r.u8();
    Map<String, String> attributes = new TreeMap<>();
    previous = null;
    for (int i = 0; i < attrCount; i++) {
      String key = r.str(1);
      if (previous != null && previous.compareTo(key) >= 0) {
        throw new CrdtDecodeException("attributes out of order or repeated");
      }
      attributes.put(key, r.str(2));
      previous = key;
    }
    if (r.remaining() != 0) {
      throw new CrdtDecodeException(r.remaining() + " bytes after a service instance");
    }
    try {
      return new ServiceInstance(service, NodeName.of(node), incarnation, instanceId,
          new ServiceMetadata(metaVersion, tags, weight, attributes));
    } catch (IllegalArgumentException e) {
      throw new CrdtDecodeException("invalid service instance: " + e.getMessage());
    }
  }

  /** A bounds-checked cursor over one value's bytes. */
  private static final class Reader {
    private final byte[] bytes;
    private int pos;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - pos;
    }

    int u8() throws CrdtDecodeException {
      need(1);
      return bytes[pos++] & 0xFF;
    }

    long u64() throws CrdtDecodeException {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = v << 8 | (bytes[pos++] & 0xFF);
      }
      if (v < 0) {
        throw new CrdtDecodeException("negative incarnation");
      }
      return v;
    }

    String str(int lengthBytes) throws CrdtDecodeException {
      int len = lengthBytes == 2 ? u8() << 8 | u8() : u8();
      need(len);
      try {
        String s = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes, pos, len)).toString();
        pos += len;
        return s;
      } catch (CharacterCodingException e) {
        throw new CrdtDecodeException("a string is not valid UTF-8");
      }
    }

    private void need(int n) throws CrdtDecodeException {
      if (bytes.length - pos < n) {
        throw new CrdtDecodeException("service instance truncated");
      }
    }
  }
}
