package io.barrel.p2p.rpc;

import io.barrel.p2p.registry.ServiceInstance;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which instances a caller accepts, by version and tags (from the call options).
 *
 * <p>Version: empty (or null) accepts any instance, versioned or not; otherwise either the exact
 * version ({@code 2.1.0}) or a prefix ending in one {@code *} ({@code 2.*}, {@code 2.1.*}); a prefix
 * is plain text, so {@code 1*} also accepts {@code 10.0}. Tags: the instance must carry every one of
 * them (none = no constraint).
 *
 * @param version "" for any, an exact version, or a prefix followed by {@code *}
 * @param tags tags the instance must all carry (copied, sorted)
 */
public record InstanceFilter(String version, Set<String> tags) implements Predicate<ServiceInstance> {

  private static final InstanceFilter ANY = new InstanceFilter("", Set.of());

  /**
   * Checks the version pattern; null becomes "" (any), null tags none, and the tags become an
   * unmodifiable sorted copy.
   */
  public InstanceFilter {
    version = version == null ? "" : version;
    tags = tags == null ? Set.of() : tags;
    int star = version.indexOf('*');
    if (star >= 0 && star != version.length() - 1) {
      throw new IllegalArgumentException("version filter '" + version
          + "' may only end in '*' (a prefix such as '2.*'), it cannot have '*' elsewhere");
    }
    TreeSet<String> copy = new TreeSet<>();
    for (String tag : tags) {
      if (tag == null || tag.isEmpty()) {
        throw new IllegalArgumentException("a tag filter must not contain an empty or null tag");
      }
      copy.add(tag);
    }
    tags = Collections.unmodifiableSortedSet(copy);
  }

  /** Accepts every instance. */
  public static InstanceFilter any() {
    return ANY;
  }

  /** This filter with another version pattern. */
  public InstanceFilter withVersion(String version) {
    return new InstanceFilter(version, tags);
  }

  /** This filter with other required tags. */
  public InstanceFilter withTags(Set<String> tags) {
    return new InstanceFilter(version, Objects.requireNonNull(tags, "tags"));
  }

  /** Whether this filter accepts every instance. */
  public boolean acceptsAll() {
    return version.isEmpty() && tags.isEmpty();
  }

  @Override
  public boolean test(ServiceInstance instance) {
    return versionMatches(instance.metadata().version()) && instance.metadata().tags().containsAll(tags);
  }

  private boolean versionMatches(String actual) {
    if (version.isEmpty()) {
      return true;
    }
    if (version.endsWith("*")) {
      return actual.startsWith(version.substring(0, version.length() - 1));
    }
    return actual.equals(version);
  }

  /** For error messages: {@code version '2.*' and tags [eu]}, or {@code any instance}. */
  public String describe() {
    if (acceptsAll()) {
      return "any instance";
    }
    StringBuilder out = new StringBuilder();
    if (!version.isEmpty()) {
      out.append("version '").append(version).append('\'');
    }
    if (!tags.isEmpty()) {
      out.append(out.length() > 0 ? " and " : "").append("tags ").append(tags);
    }
    return out.toString();
  }
}
