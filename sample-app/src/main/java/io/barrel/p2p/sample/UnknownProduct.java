package io.barrel.p2p.sample;

/** The catalog has no product with the asked stock keeping unit; rebuilt on the caller's side as itself. */
public class UnknownProduct extends Exception {

  /** With the message the caller sees. */
  public UnknownProduct(String message) {
    super(message);
  }
}
