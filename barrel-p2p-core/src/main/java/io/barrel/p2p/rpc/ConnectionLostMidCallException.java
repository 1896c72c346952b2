package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;

/**
 * The connection to the node carrying a call was lost, or the call's stream was reset, before the
 * call finished. The call may or may not have run; retry only what is idempotent, on another
 * instance.
 */
public final class ConnectionLostMidCallException extends RpcException {

  /**
   * A call cut off.
   *
   * @param node the node the call went to
   * @param call "service.method", for the message
   * @param cause what the transport reported, or null
   */
  public ConnectionLostMidCallException(NodeName node, String call, Throwable cause) {
    super(node, "connection lost during " + call + onNode(node) + "; it may or may not have run"
        + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
  }
}
