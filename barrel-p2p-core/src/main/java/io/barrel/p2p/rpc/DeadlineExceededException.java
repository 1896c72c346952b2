package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;

/**
 * The call's deadline passed before its result arrived. The call may or may not have run on the
 * server; retry only what is idempotent.
 */
public final class DeadlineExceededException extends RpcException {

  private final long timeoutMillis;

  /**
   * A missed deadline.
   *
   * @param node the node called, when known
   * @param call "service.method", for the message
   * @param timeoutMillis the timeout the call had, or -1 when unknown (the server reported it)
   * @param detail who noticed (this node, or the server's message)
   */
  public DeadlineExceededException(NodeName node, String call, long timeoutMillis, String detail) {
    super(node, call + " missed its deadline" + (timeoutMillis >= 0 ? " of " + timeoutMillis + " ms" : "")
        + onNode(node) + ": " + detail);
    this.timeoutMillis = timeoutMillis;
  }

  /** The timeout the call had, or -1 when unknown. */
  public long timeoutMillis() {
    return timeoutMillis;
  }
}
