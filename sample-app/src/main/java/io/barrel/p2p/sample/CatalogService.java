package io.barrel.p2p.sample;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.spring.P2pService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** The catalog, published cluster-wide by node a (profile {@code a}). */
@Component
@Profile("a")
@P2pService(version = "1.0")
class CatalogService implements Catalog {

  private static final Map<String, String> NAMES = new TreeMap<>(Map.of("bolt", "M8 bolt", "nut", "M8 nut",
      "washer", "M8 washer"));
  private static final Map<String, Long> PRICES = Map.of("bolt", 35L, "nut", 12L, "washer", 4L);

  private final P2pNode node;

  CatalogService(P2pNode node) {
    this.node = node;
  }

  @Override
  public Optional<Product> find(String sku) {
    return Optional.ofNullable(NAMES.get(sku)).map(name -> new Product(sku, name, PRICES.get(sku),
        node.name().toString()));
  }

  @Override
  public List<Product> list() {
    return NAMES.keySet().stream().map(sku -> find(sku).orElseThrow()).toList();
  }
}
