package io.barrel.p2p.registry;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a registration says about its instance, replicated with it: a version, tags, a load-balancing
 * weight and a free map. Bounded, so one registration cannot blow up every node's memory.
 *
 * @param version the service version, e.g. {@code 2.1.0}; empty when not versioned
 * @param tags labels callers filter on, e.g. {@code eu-west}, {@code canary}
 * @param weight relative share of calls, 1..{@value #MAX_WEIGHT} (default 100)
 * @param attributes anything else, string to string
 */
public record ServiceMetadata(String version, SortedSet<String> tags, int weight, SortedMap<String, String> attributes) {

  /** Longest version string. */
  public static final int MAX_VERSION_BYTES = 64;
  /** Most tags. */
  public static final int MAX_TAGS = 32;
  /** Longest tag. */
  public static final int MAX_TAG_BYTES = 64;
  /** Largest weight. */
  public static final int MAX_WEIGHT = 10_000;
  /** Most attributes. */
  public static final int MAX_ATTRIBUTES = 32;
  /** Longest attribute key. */
  public static final int MAX_ATTRIBUTE_KEY_BYTES = 64;
  /** Longest attribute value. */
  public static final int MAX_ATTRIBUTE_VALUE_BYTES = 1024;

  /** No version, no tags, weight 100, no attributes. */
  public static final ServiceMetadata EMPTY = new ServiceMetadata("", Set.of(), 100, Map.of());

  /** Checks every bound and copies the collections (sorted, unmodifiable). */
  public ServiceMetadata {
    Objects.requireNonNull(version, "version");
    checkLength("version", version, MAX_VERSION_BYTES);
    TreeSet<String> t = new TreeSet<>(Objects.requireNonNull(tags, "tags"));
    if (t.size() > MAX_TAGS) {
      throw new IllegalArgumentException("at most " + MAX_TAGS + " tags, got " + t.size());
    }
    for (String tag : t) {
      checkLength("tag", tag, MAX_TAG_BYTES);
      if (tag.isEmpty()) {
        throw new IllegalArgumentException("a tag must not be empty");
      }
    }
    tags = Collections.unmodifiableSortedSet(t);
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be 1.." + MAX_WEIGHT + ", got " + weight);
    }
    TreeMap<String, String> a = new TreeMap<>(Objects.requireNonNull(attributes, "attributes"));
    if (a.size() > MAX_ATTRIBUTES) {
      throw new IllegalArgumentException("at most " + MAX_ATTRIBUTES + " attributes, got " + a.size());
    }
    for (Map.Entry<String, String> e : a.entrySet()) {
      checkLength("attribute key", e.getKey(), MAX_ATTRIBUTE_KEY_BYTES);
      checkLength("attribute value", Objects.requireNonNull(e.getValue(), "attribute value"),
          MAX_ATTRIBUTE_VALUE_BYTES);
    }
    attributes = Collections.unmodifiableSortedMap(a);
  }

  /** The same metadata with another version. */
  public ServiceMetadata withVersion(String v) {
    return new ServiceMetadata(v, tags, weight, attributes);
  }

  /** The same metadata with these tags. */
  public ServiceMetadata withTags(Set<String> t) {
    return new ServiceMetadata(version, new TreeSet<>(t), weight, attributes);
  }

  /** The same metadata with another weight. */
  public ServiceMetadata withWeight(int w) {
    return new ServiceMetadata(version, tags, w, attributes);
  }

  /** The same metadata with these attributes. */
  public ServiceMetadata withAttributes(Map<String, String> attrs) {
    return new ServiceMetadata(version, tags, weight, new TreeMap<>(attrs));
  }

  /** The same, from any set and map (copied and sorted). */
  public ServiceMetadata(String version, Set<String> tags, int weight, Map<String, String> attributes) {
    this(version, new TreeSet<>(tags), weight, new TreeMap<>(attributes));
  }

  static void checkLength(String what, String value, int maxBytes) {
    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxBytes) {
      throw new IllegalArgumentException(what + " is " + bytes + " bytes, at most " + maxBytes + " allowed");
    }
  }
}
