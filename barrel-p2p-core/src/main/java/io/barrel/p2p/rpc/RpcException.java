package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import java.util.Optional;

/**
 * The base of every failure an RPC call reports to its caller. Unchecked, so service interfaces
 * need not declare it; the subclasses say what happened and whether the call can have run.
 */
public abstract class RpcException extends RuntimeException {

  private final NodeName node;

  /** A failure at {@code node} (null when no node is involved) with a message saying what happened. */
  protected RpcException(NodeName node, String message) {
    super(message);
    this.node = node;
  }

  /** A failure with a cause. */
  protected RpcException(NodeName node, String message, Throwable cause) {
    super(message, cause);
    this.node = node;
  }

  /** The node the call went to, when there was one. */
  public Optional<NodeName> node() {
    return Optional.ofNullable(node);
  }

  /** " on node 'x'" for messages, or nothing. */
  static String onNode(NodeName node) {
    return node == null ? "" : " on node '" + node + "'";
  }
}
