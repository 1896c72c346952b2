package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;

/**
 * A frame was over the maximum message size ({@link RpcLimits#maxFrameBytes()}): this node refused
 * to send it, refused one it was receiving, or the remote node refused one. Nothing that large
 * was delivered, so a request refused this way did not run.
 */
public final class PayloadTooLargeException extends RpcException {

  /** Which side noticed. */
  public enum Side {
    /** This node refused to write the frame. */
    SENDING,
    /** This node refused a frame's length prefix while reading. */
    RECEIVING,
    /** The remote node refused the request, or its result was too large to send back. */
    REMOTE
  }

  private final Side side;
  private final long sizeBytes;
  private final long limitBytes;

  /**
   * A size error.
   *
   * @param side which side noticed
   * @param node the remote node, when known
   * @param sizeBytes the frame's size, or -1 when the remote side did not say
   * @param limitBytes the limit it broke, or -1 when the remote side did not say
   * @param detail what it was (a request, a result, ...) or the remote node's message
   */
  public PayloadTooLargeException(Side side, NodeName node, long sizeBytes, long limitBytes, String detail) {
    super(node, message(side, node, sizeBytes, limitBytes, detail));
    this.side = side;
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }

  private static String message(Side side, NodeName node, long size, long limit, String detail) {
    if (side == Side.REMOTE) {
      return "remote node refused an oversized message" + onNode(node) + ": " + detail
          + "; raise the maximum message size on both nodes or send less per call";
    }
    return (side == Side.SENDING ? "refused to send " : "refused to receive ") + detail + " of " + size
        + " bytes" + onNode(node) + ": over the " + limit + "-byte maximum message size; raise it on both nodes"
        + " (RpcLimits.maxFrameBytes) or send less per call";
  }

  /** Which side noticed. */
  public Side side() {
    return side;
  }

  /** The frame's size in bytes, or -1 when unknown. */
  public long sizeBytes() {
    return sizeBytes;
  }

  /** The limit in bytes, or -1 when unknown. */
  public long limitBytes() {
    return limitBytes;
  }
}
