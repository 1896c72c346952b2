package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;

/**
 * The server's queue of calls was full, so it turned the call away without running it; safe to
 * retry, better on another instance.
 */
public final class RemoteOverloadedException extends RpcException {

  /**
   * A refused call.
   *
   * @param node the overloaded node
   * @param call "service.method", for the message
   * @param detail the server's message
   */
  public RemoteOverloadedException(NodeName node, String call, String detail) {
    super(node, call + " refused" + onNode(node) + ": the node is overloaded (" + detail + "); the call did not run");
  }
}
