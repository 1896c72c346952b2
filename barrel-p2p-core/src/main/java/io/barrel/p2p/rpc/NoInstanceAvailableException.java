package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;

/**
 * No instance of the service could take the call: none is registered, every one is excluded, or
 * the chosen node no longer exports it. The call did not run anywhere.
 */
public final class NoInstanceAvailableException extends RpcException {

  private final String service;

  /**
   * Nothing to call.
   *
   * @param service the service
   * @param node the node that turned the call away, or null when the caller found no node at all
   * @param detail why, in a few words
   */
  public NoInstanceAvailableException(String service, NodeName node, String detail) {
    super(node, "no instance of service '" + service + "' available" + onNode(node) + ": " + detail);
    this.service = service;
  }

  /**
   * Nothing to call, because of {@code cause} (the chosen node could not be reached, say).
   *
   * @param service the service
   * @param node the node that could not take the call, or null
   * @param detail why, in a few words
   * @param cause what failed
   */
  public NoInstanceAvailableException(String service, NodeName node, String detail, Throwable cause) {
    super(node, "no instance of service '" + service + "' available" + onNode(node) + ": " + detail, cause);
    this.service = service;
  }

  /** The service asked for. */
  public String service() {
    return service;
  }
}
