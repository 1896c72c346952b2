package io.barrel.p2p.sample;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.spring.P2pService;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The order desk, published cluster-wide by node b (profile {@code b}); it prices each quote with
 * the catalog, which runs on another node.
 */
@Component
@Profile("b")
@P2pService(version = "1.0")
class OrderDeskService implements OrderDesk {

  private final Catalog catalog;
  private final P2pNode node;

  OrderDeskService(@Qualifier("catalog") Catalog catalog, P2pNode node) {
    this.catalog = catalog;
    this.node = node;
  }

  @Override
  public Quote quote(String sku, int quantity) throws UnknownProduct {
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be at least 1, got " + quantity);
    }
    Product product = catalog.find(sku).orElseThrow(() -> new UnknownProduct("no product '" + sku + "' in the catalog"));
    return new Quote(product, quantity, product.priceCents() * quantity, node.name().toString());
  }
}
