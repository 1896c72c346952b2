package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;

/**
 * The two ends disagree on the method: the server has no method with the request's id (a different
 * signature, or an older or newer interface), serves it in another call mode, or could not decode
 * the arguments into its parameter types. The method did not run; deploy matching interfaces.
 */
public final class IncompatibleMethodException extends RpcException {

  /**
   * A mismatch.
   *
   * @param node the server
   * @param service the service
   * @param method the caller's method signature or id
   * @param detail what did not match
   */
  public IncompatibleMethodException(NodeName node, String service, String method, String detail) {
    super(node, "service '" + service + "'" + onNode(node) + " cannot serve " + method + ": " + detail
        + "; deploy the same interface on both sides");
  }
}
