package io.barrel.p2p.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code key=value} command-line arguments with defaults; an unknown key is an error. */
final class Args {

  private final Map<String, String> values = new HashMap<>();

  Args(String[] args, String... known) {
    java.util.Set<String> allowed = java.util.Set.of(known);
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value, got '" + a + "'; known keys: " + allowed);
      }
      String key = a.substring(0, eq);
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException("unknown argument '" + key + "'; known keys: " + allowed);
      }
      values.put(key, a.substring(eq + 1));
    }
  }

  int integer(String key, int dflt) {
    return values.containsKey(key) ? Integer.parseInt(values.get(key)) : dflt;
  }

  String string(String key, String dflt) {
    return values.getOrDefault(key, dflt);
  }

  boolean flag(String key, boolean dflt) {
    return values.containsKey(key) ? Boolean.parseBoolean(values.get(key)) : dflt;
  }

  /** A byte size: plain bytes or with a k/m suffix (binary units). */
  long bytes(String key, long dflt) {
    return values.containsKey(key) ? Knobs.parseBytes(values.get(key)) : dflt;
  }
}
