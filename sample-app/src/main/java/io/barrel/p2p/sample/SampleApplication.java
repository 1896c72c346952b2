package io.barrel.p2p.sample;

import io.barrel.p2p.spring.ImportP2pServices;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A Spring Boot application on the barrel-p2p starter. Run three with the profiles {@code a},
 * {@code b} and {@code c} and they form a cluster on 127.0.0.1; {@code GET /cluster} on any of them
 * shows its neighbours and every service registered anywhere in the cluster. Node a publishes the
 * {@link Catalog}, node b the {@link OrderDesk}; every node calls them through injected proxies
 * ({@code GET /catalog/bolt}, {@code GET /quote/bolt?quantity=3}).
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
@ImportP2pServices(group = "catalog", types = Catalog.class)
@ImportP2pServices(group = "orders", types = OrderDesk.class)
public class SampleApplication {

  /** Starts one node; see application.yml for the profiles. */
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
