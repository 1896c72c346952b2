package io.barrel.p2p.autoconfigure.rpc.api;

/** Not enough items. */
public class OutOfStock extends Exception {

  /** With a message. */
  public OutOfStock(String message) {
    super(message);
  }
}
