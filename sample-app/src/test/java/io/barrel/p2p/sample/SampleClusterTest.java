package io.barrel.p2p.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.autoconfigure.P2pNodeLifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample as its README runs it: three applications with the profiles a, b and c, on 127.0.0.1,
 * seen through their HTTP endpoints only: the cluster view, registrations, and remote calls from one
 * node through a second to a third.
 */
class SampleClusterTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final JsonMapper json = JsonMapper.builder().build();
  private final List<ConfigurableApplicationContext> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(ConfigurableApplicationContext::close);
  }

  private String start(String profile) {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
        .profiles(profile)
        .properties("server.port=0", "spring.main.banner-mode=off",
            "barrel.p2p.data-directory=" + dir.resolve(profile),
            "barrel.p2p.discovery.file-directory=" + dir.resolve("discovery"))
        .run();
    running.add(context);
    return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  private HttpResponse<String> send(String method, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> response = send("GET", url);
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return json.readTree(response.body());
  }

  private List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  @Test
  void threeSampleNodesShowTheClusterOverHttp() throws Exception {
    String a = start("a");
    String b = start("b");
    String c = start("c");

    await().atMost(DEADLINE).untilAsserted(() -> {
      for (String node : List.of(a, b, c)) {
        JsonNode cluster = get(node + "/cluster");
        assertThat(strings(cluster.get("neighbours"))).as(node).hasSize(2);
        assertThat(strings(cluster.get("services").get("catalog"))).as(node)
            .containsExactlyInAnyOrder("a@127.0.0.1", "c@127.0.0.1");
        assertThat(strings(cluster.get("services").get("orders"))).containsExactly("b@127.0.0.1");
        assertThat(strings(cluster.get("services").get("payments"))).containsExactly("c@127.0.0.1");
        JsonNode readiness = get(node + "/actuator/health/readiness");
        assertThat(readiness.get("status").asString()).isEqualTo("UP");
        assertThat(readiness.get("components").get("p2p").get("status").asString()).isEqualTo("UP");
      }
    });

    // Remote calls through injected proxies: c asks b's order desk, which asks a's catalog.
    await().atMost(DEADLINE).untilAsserted(() -> {
      JsonNode quote = get(c + "/quote/bolt?quantity=3");
      assertThat(quote.get("quote").get("totalCents").asLong()).isEqualTo(105);
      assertThat(quote.get("quote").get("product").get("name").asString()).isEqualTo("M8 bolt");
      assertThat(strings(quote.get("route"))).containsExactly("c@127.0.0.1", "b@127.0.0.1", "a@127.0.0.1");
    });
    JsonNode bolt = get(b + "/catalog/bolt");
    assertThat(bolt.get("servedBy").asString()).isEqualTo("a@127.0.0.1");
    assertThat(bolt.get("calledFrom").asString()).isEqualTo("b@127.0.0.1");
    assertThat(get(a + "/catalog").get("products")).hasSize(3);
    assertThat(send("GET", c + "/catalog/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> unknown = send("GET", c + "/quote/nope");
    assertThat(unknown.statusCode()).as("UnknownProduct, declared by OrderDesk.quote, is rebuilt on c").isEqualTo(404);
    assertThat(unknown.body()).contains("no product 'nope' in the catalog");
    JsonNode rpc = get(a + "/actuator/p2p/rpc");
    assertThat(rpc.get("publications").get(0).get("service").asString()).isEqualTo(Catalog.class.getName());
    assertThat(rpc.get("clients").get("orders").get("maxAttempts").asInt()).isEqualTo(2);
    assertThat(send("GET", c + "/actuator/prometheus").body())
        .contains("barrel_p2p_rpc_client_calls_seconds_count{method=\"quote\",node=\"c@127.0.0.1\",outcome=\"ok\","
            + "service=\"" + OrderDesk.class.getName() + "\"}");

    JsonNode p2p = get(a + "/actuator/p2p");
    assertThat(strings(p2p.get("views").get("active"))).containsExactly("b@127.0.0.1", "c@127.0.0.1");
    assertThat(p2p.get("services").get("cluster").has("payments")).isTrue();
    assertThat(get(c + "/actuator/p2p/identity").get("node").asString()).isEqualTo("c@127.0.0.1");
    assertThat(send("POST", a + "/actuator/p2p/rotate-identity").statusCode())
        .as("write operations are off by default").isEqualTo(405);
    String prometheus = send("GET", a + "/actuator/prometheus").body();
    // Prometheus appends the base unit: barrel.p2p.membership.view.size (peers) is ..._view_size_peers.
    assertThat(prometheus).contains("barrel_p2p_membership_view_size_peers{node=\"a@127.0.0.1\",view=\"active\"} 2.0")
        .contains("barrel_p2p_auth_attempts_handshakes_total{node=\"a@127.0.0.1\",outcome=\"ok\"");

    assertThat(send("POST", a + "/cluster/services/inventory").statusCode()).isEqualTo(201);
    await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(strings(get(c + "/cluster").get("services").get("inventory"))).containsExactly("a@127.0.0.1"));
    assertThat(send("DELETE", a + "/cluster/services/inventory").body()).contains("\"unregistered\":1");
    await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(get(c + "/cluster").get("services").has("inventory")).isFalse());

    running.remove(1).close(); // b stops: its services go, its neighbours see it leave
    await().atMost(DEADLINE).untilAsserted(() -> {
      JsonNode cluster = get(a + "/cluster");
      assertThat(strings(cluster.get("neighbours"))).containsExactly("c@127.0.0.1");
      assertThat(cluster.get("services").has("orders")).isFalse();
      assertThat(cluster.get("services").has(OrderDesk.class.getName())).isFalse();
    });
    HttpResponse<String> noDesk = send("GET", c + "/quote/bolt");
    assertThat(noDesk.statusCode()).as("no node serves the order desk any more").isEqualTo(503);
    assertThat(noDesk.body()).contains(OrderDesk.class.getName());
  }

  @Test
  void theNodeStopsAfterTheWebServerHasDrainedItsRequests() {
    // Lower phases stop later: the graceful drain of HTTP requests, then the web server, then the node.
    assertThat(P2pNodeLifecycle.PHASE).isLessThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1024);
  }
}
