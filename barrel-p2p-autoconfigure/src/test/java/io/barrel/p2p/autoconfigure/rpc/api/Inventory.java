package io.barrel.p2p.autoconfigure.rpc.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A service interface of the tests, with record arguments and results. */
public interface Inventory {

  /** Reserves items; fails with {@link OutOfStock} when there are not enough. */
  Reservation reserve(Item item, int quantity) throws OutOfStock;

  /** Everything in stock. */
  CompletableFuture<List<Item>> items();

  /** Answers the name of the node that served the call, after holding it for {@code millis}. */
  String hold(long millis) throws InterruptedException;
}
