package io.barrel.p2p.sample;

/** Quotes orders: served by node b ({@link OrderDeskService}), which prices them with the {@link Catalog} of node a. */
public interface OrderDesk {

  /**
   * The price of {@code quantity} items of {@code sku}.
   *
   * @throws UnknownProduct when the catalog has no such product
   */
  Quote quote(String sku, int quantity) throws UnknownProduct;
}
