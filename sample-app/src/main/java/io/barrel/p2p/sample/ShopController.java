package io.barrel.p2p.sample;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.rpc.NoInstanceAvailableException;
import io.barrel.p2p.rpc.RemoteInvocationException;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Remote calls over HTTP, from any node: {@code GET /catalog/bolt} asks the catalog (node a), and
 * {@code GET /quote/bolt?quantity=3} asks the order desk (node b), which asks the catalog in turn.
 * Each answer says which node served each step.
 */
@RestController
class ShopController {

  private final Catalog catalog;
  private final OrderDesk orders;
  private final P2pNode node;

  ShopController(@Qualifier("catalog") Catalog catalog, @Qualifier("orders") OrderDesk orders, P2pNode node) {
    this.catalog = catalog;
    this.orders = orders;
    this.node = node;
  }

  /** Every product, from node a's catalog. */
  @GetMapping("/catalog")
  Map<String, Object> products() {
    List<Product> products = catalog.list();
    return Map.of("products", products, "calledFrom", node.name().toString());
  }

  /** One product, from node a's catalog. */
  @GetMapping("/catalog/{sku}")
  ResponseEntity<Map<String, Object>> product(@PathVariable String sku) {
    return catalog.find(sku)
        .map(p -> ResponseEntity.ok(Map.<String, Object>of("product", p, "servedBy", p.servedBy(),
            "calledFrom", node.name().toString())))
        .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error",
            "no product '" + sku + "'", "calledFrom", node.name().toString())));
  }

  /** A quote from node b's order desk, priced with node a's catalog. */
  @GetMapping("/quote/{sku}")
  Map<String, Object> quote(@PathVariable String sku, @RequestParam(defaultValue = "1") int quantity)
      throws UnknownProduct {
    Quote quote = orders.quote(sku, quantity);
    return Map.of("quote", quote, "route", List.of(node.name().toString(), quote.quotedBy(),
        quote.product().servedBy()));
  }

  @ExceptionHandler(UnknownProduct.class)
  ResponseEntity<Map<String, String>> unknown(UnknownProduct e) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
  }

  /** No node serves what was asked (yet, or any more): a temporary condition for the client. */
  @ExceptionHandler(NoInstanceAvailableException.class)
  ResponseEntity<Map<String, String>> unavailable(NoInstanceAvailableException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", e.getMessage()));
  }

  /** The remote method threw something it does not declare (a bad quantity, for one). */
  @ExceptionHandler(RemoteInvocationException.class)
  ResponseEntity<Map<String, String>> failed(RemoteInvocationException e) {
    return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(Map.of("error", e.getMessage()));
  }
}
