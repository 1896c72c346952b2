package io.barrel.p2p.sample;

import java.util.List;
import java.util.Optional;

/** Products and their prices: served by node a ({@link CatalogService}), called from every node. */
public interface Catalog {

  /** The product with this stock keeping unit, if there is one. */
  Optional<Product> find(String sku);

  /** Every product. */
  List<Product> list();
}
