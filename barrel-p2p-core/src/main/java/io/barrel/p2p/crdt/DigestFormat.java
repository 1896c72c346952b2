package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.nio.ByteBuffer;
import java.util.TreeMap;

/** The wire form of a {@link Digest}; drawn in {@link OrMapCodec}'s Javadoc, reached through it. */
final class DigestFormat {

  private static final int NODE_FIXED_BYTES = 1 + 8 + 8 + 8;

  private DigestFormat() {}

  static byte[] encode(Digest digest, CrdtConfig config) {
    if (digest.nodes().size() > config.maxNodes()) {
      throw new IllegalArgumentException("digest names " + digest.nodes().size() + " nodes; the limit is "
          + config.maxNodes() + " (barrel.p2p.crdt.max-nodes)");
    }
    long size = OrMapCodec.HEADER_BYTES;
    for (NodeName node : digest.nodes().keySet()) {
      size += lineBytes(node);
    }
    if (size > config.maxTotalBytes()) {
      throw new IllegalArgumentException("digest of " + size + " bytes exceeds the " + config.maxTotalBytes()
          + "-byte limit (barrel.p2p.crdt.max-total-bytes)");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.put((byte) OrMapCodec.VERSION).put((byte) OrMapCodec.DIGEST).putShort((short) digest.nodes().size());
    digest.nodes().forEach((node, summary) -> {
      byte[] name = node.toBytes();
      out.put((byte) name.length).put(name).putLong(summary.counter()).putLong(summary.liveCount())
          .putLong(summary.liveHash());
    });
    return out.array();
  }

  /** The bytes {@code node}'s line takes in a digest. */
  static long lineBytes(NodeName node) {
    return NODE_FIXED_BYTES + node.toBytes().length;
  }

  static Digest decode(byte[] bytes, CrdtConfig config) throws CrdtDecodeException {
    WireReader in = WireReader.header(bytes, OrMapCodec.VERSION, OrMapCodec.DIGEST, config.maxTotalBytes(), "digest");
    int count = in.u16();
    if (count > config.maxNodes()) {
      throw new CrdtDecodeException("digest names " + count + " nodes; the limit is " + config.maxNodes(), true);
    }
    in.need((long) count * (NODE_FIXED_BYTES + 1), count + " digest lines");
    TreeMap<NodeName, Digest.NodeSummary> nodes = new TreeMap<>();
    NodeName previous = null;
    for (int i = 0; i < count; i++) {
      NodeName node = in.nodeName("digest");
      if (previous != null && node.compareTo(previous) <= 0) {
        throw new CrdtDecodeException("digest node " + node + " is not in ascending order after " + previous);
      }
      previous = node;
      long counter = in.u64();
      long live = in.u64();
      long hash = in.u64();
      if (counter < 1 || live < 0 || live > counter) {
        throw new CrdtDecodeException("digest line of " + node + " needs 1 <= counter < 2^63 and 0 <= live <= counter,"
            + " got counter " + Long.toUnsignedString(counter) + ", live " + Long.toUnsignedString(live));
      }
      nodes.put(node, new Digest.NodeSummary(counter, live, hash));
    }
    in.requireEnd("digest");
    return new Digest(nodes);
  }
}
