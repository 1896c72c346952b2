package io.barrel.p2p.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.discovery.DiscoveryConfig;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration metadata the build generates (META-INF/spring-configuration-metadata.json, from
 * P2pProperties and additional-spring-configuration-metadata.json) describes exactly the properties
 * that bind, each with a description, and shows the core's own defaults.
 */
class ConfigurationMetadataTest {

  private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
  private static final Map<String, JsonNode> properties = new LinkedHashMap<>();
  private static JsonNode root;

  @BeforeAll
  static void read() throws Exception {
    root = JsonMapper.builder().build().readTree(Files.readString(METADATA));
    for (JsonNode p : root.get("properties")) {
      properties.put(p.get("name").asString(), p);
    }
  }

  /**
   * Every leaf of the core's records that NodeConfig holds, as the binder names it, without the
   * components that are not properties (by their path of component names).
   */
  private static void leaves(String prefix, String path, Class<?> type, List<String> out) {
    for (RecordComponent c : type.getRecordComponents()) {
      String componentPath = path.isEmpty() ? c.getName() : path + "." + c.getName();
      if (CoreDefaultProperties.NOT_PROPERTIES.contains(componentPath)) {
        continue;
      }
      String name = prefix + "." + CoreDefaultProperties.kebab(c.getName());
      if (c.getType().isRecord()) {
        leaves(name, componentPath, c.getType(), out);
      } else {
        out.add(name);
      }
    }
  }

  @Test
  void theMetadataListsExactlyTheBindableProperties() {
    List<String> expected = new ArrayList<>(List.of("barrel.p2p.enabled", "barrel.p2p.node-name",
        "barrel.p2p.single-node", "barrel.p2p.shutdown.drain-timeout", "barrel.p2p.client"));
    leaves(P2pProperties.PREFIX, "", NodeConfig.class, expected);
    assertThat(new TreeSet<>(barrelProperties().keySet())).isEqualTo(new TreeSet<>(expected));
    assertThat(properties).doesNotContainKeys("barrel.p2p.registry.crdt", "barrel.p2p.registry.liveness",
        "barrel.p2p.rpc.codec", "barrel.p2p.rpc.call-defaults", "barrel.p2p.rpc.call-defaults.service",
        "barrel.p2p.rpc.call-defaults.method-policies");
  }

  @Test
  void everyPropertyHasADescription() {
    assertThat(properties.values()).allSatisfy(p -> assertThat(p.path("description").asString(""))
        .as(p.get("name").asString()).hasSizeGreaterThan(15).endsWith("."));
  }

  @Test
  void theDefaultsShownAreTheCoresDefaults() {
    Map<String, Object> expected = new LinkedHashMap<>();
    CoreDefaultProperties.render().forEach((key, value) -> {
      int index = key.indexOf('[');
      if (index < 0) {
        expected.put(key, value);
      } else {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) expected.computeIfAbsent(key.substring(0, index), k -> new ArrayList<>());
        list.add(value);
      }
    });
    // An empty default (any version) is rendered so that the binder builds its record; it is shown as unset.
    expected.values().removeIf(""::equals);
    // Shown as the core's default; it follows data-directory when that is set.
    expected.put("barrel.p2p.discovery.file-directory", DiscoveryConfig.DEFAULT_FILE_DIRECTORY.toString());
    expected.put("barrel.p2p.enabled", "true");
    expected.put("barrel.p2p.single-node", "false");
    expected.put("barrel.p2p.shutdown.drain-timeout", "10s");
    Map<String, Object> shown = new LinkedHashMap<>();
    barrelProperties().forEach((name, p) -> {
      JsonNode d = p.get("defaultValue");
      if (d == null || d.isNull()) {
        return;
      }
      if (d.isArray()) {
        List<Object> list = new ArrayList<>();
        d.forEach(e -> list.add(e.asString()));
        shown.put(name, list);
      } else {
        shown.put(name, d.asString());
      }
    });
    assertThat(shown).isEqualTo(expected);
  }

  @Test
  void theEndpointsAccessPropertyIsDocumentedAsReadOnlyByDefault() {
    assertThat(properties.get("management.endpoint.p2p.access").get("defaultValue").asString()).isEqualTo("read_only");
  }

  private static Map<String, JsonNode> barrelProperties() {
    Map<String, JsonNode> barrel = new LinkedHashMap<>(properties);
    barrel.keySet().removeIf(name -> !name.startsWith(P2pProperties.PREFIX + "."));
    return barrel;
  }

  @Test
  void theSpringBootPageListsEveryPropertyWithItsDefault() throws Exception {
    String page = Files.readString(Path.of("../docs/spring-boot.md"));
    assertThat(barrelProperties().values()).allSatisfy(p -> {
      String name = p.get("name").asString();
      JsonNode d = p.get("defaultValue");
      String shown = d == null || d.isNull() ? "–"
          : d.isArray() ? "`" + String.join(", ", d.valueStream().map(JsonNode::asString).toList()) + "`"
          : "`" + d.asString() + "`";
      assertThat(page).as(name).contains("| `" + name + "` | " + shown + " |");
    });
  }

  @Test
  void theDiscoveryOrderHasValueHints() {
    assertThat(root.get("hints")).anySatisfy(h -> {
      assertThat(h.get("name").asString()).isEqualTo("barrel.p2p.discovery.order");
      assertThat(h.get("values")).extracting(v -> v.get("value").asString())
          .containsExactlyElementsOf(DiscoveryConfig.BUILT_IN_BACKENDS);
    });
  }
}
