package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.BalancingFixtures.versioned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class InstanceFilterTest {

  private final ServiceInstance v210 = versioned("a@h", "1", "2.1.0", "eu", "canary");
  private final ServiceInstance v300 = versioned("a@h", "2", "3.0.0", "eu");
  private final ServiceInstance unversioned = versioned("a@h", "3", "");

  @Test
  void anyAcceptsEveryInstance() {
    assertThat(InstanceFilter.any().acceptsAll()).isTrue();
    assertThat(InstanceFilter.any()).accepts(v210, v300, unversioned);
    assertThat(InstanceFilter.any().describe()).isEqualTo("any instance");
  }

  @Test
  void nullVersionMeansAny() {
    InstanceFilter filter = new InstanceFilter(null, Set.of());

    assertThat(filter.version()).isEmpty();
    assertThat(filter).isEqualTo(InstanceFilter.any());
    assertThat(new InstanceFilter("", null)).as("null tags (as a binder passes them) mean none")
        .isEqualTo(InstanceFilter.any());
  }

  @Test
  void exactVersionMatchesOnlyThatVersion() {
    InstanceFilter filter = InstanceFilter.any().withVersion("2.1.0");

    assertThat(filter).accepts(v210).rejects(v300, unversioned);
    assertThat(InstanceFilter.any().withVersion("2.1")).rejects(v210);
  }

  @Test
  void prefixVersionMatchesEveryVersionStartingWithIt() {
    assertThat(InstanceFilter.any().withVersion("2.*")).accepts(v210).rejects(v300, unversioned);
    assertThat(InstanceFilter.any().withVersion("2.1.*")).accepts(v210).rejects(v300);
    assertThat(InstanceFilter.any().withVersion("*")).accepts(v210, v300, unversioned);
  }

  @Test
  void aPrefixIsPlainText() {
    ServiceInstance v10 = versioned("a@h", "4", "10.0");

    assertThat(InstanceFilter.any().withVersion("1*")).accepts(v10);
    assertThat(InstanceFilter.any().withVersion("1.*")).rejects(v10);
  }

  @Test
  void aStarAnywhereButTheEndIsRefused() {
    assertThatThrownBy(() -> InstanceFilter.any().withVersion("2.*.1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'2.*.1'").hasMessageContaining("may only end in '*'");
    assertThatThrownBy(() -> InstanceFilter.any().withVersion("**")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyTagIsRequired() {
    assertThat(InstanceFilter.any().withTags(Set.of("eu"))).accepts(v210, v300).rejects(unversioned);
    assertThat(InstanceFilter.any().withTags(Set.of("eu", "canary"))).accepts(v210).rejects(v300);
    assertThat(InstanceFilter.any().withTags(Set.of("us"))).rejects(v210, v300, unversioned);
  }

  @Test
  void versionAndTagsBothApply() {
    InstanceFilter filter = InstanceFilter.any().withVersion("3.*").withTags(Set.of("eu"));

    assertThat(filter).accepts(v300).rejects(v210);
    assertThat(filter.describe()).isEqualTo("version '3.*' and tags [eu]");
    assertThat(InstanceFilter.any().withTags(Set.of("b", "a")).describe()).isEqualTo("tags [a, b]");
  }

  @Test
  void tagsAreCopiedAndChecked() {
    Set<String> tags = new HashSet<>(Set.of("eu"));
    InstanceFilter filter = InstanceFilter.any().withTags(tags);
    tags.add("us");

    assertThat(filter.tags()).containsExactly("eu");
    assertThatThrownBy(() -> filter.tags().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> InstanceFilter.any().withTags(Set.of(""))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InstanceFilter.any().withTags(null)).isInstanceOf(NullPointerException.class);
  }

  @Property(tries = 300)
  void aPrefixPatternAcceptsExactlyTheVersionsStartingWithThePrefix(@ForAll("versions") String version,
      @ForAll("versions") String prefix) {
    ServiceInstance instance = versioned("a@h", "1", version);

    assertThat(InstanceFilter.any().withVersion(prefix + "*").test(instance)).isEqualTo(version.startsWith(prefix));
    assertThat(InstanceFilter.any().withVersion(prefix).test(instance))
        .isEqualTo(prefix.isEmpty() || version.equals(prefix));
  }

  @Property(tries = 300)
  void tagsMatchWhenTheRequiredOnesAreASubset(@ForAll("tagSets") Set<String> carried,
      @ForAll("tagSets") Set<String> required) {
    ServiceInstance instance = versioned("a@h", "1", "1", carried.toArray(String[]::new));

    assertThat(InstanceFilter.any().withTags(required).test(instance)).isEqualTo(carried.containsAll(required));
  }

  @Provide
  Arbitrary<String> versions() {
    return Arbitraries.strings().withChars("12.0a-").ofMaxLength(6);
  }

  @Provide
  Arbitrary<Set<String>> tagSets() {
    return Arbitraries.of("eu", "us", "canary", "blue", "green").set().ofMaxSize(4);
  }
}
