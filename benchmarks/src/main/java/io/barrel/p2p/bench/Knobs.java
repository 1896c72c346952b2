package io.barrel.p2p.bench;

import io.barrel.p2p.transport.TransportConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A named variant of the transport settings a benchmark runs barrel-p2p with, so knobs can be
 * compared in one JVM. Syntax: {@code default}, or knobs joined by {@code +}, each {@code
 * name:value}: {@code payload:1452}, {@code gso:off}, {@code sw:16m} (initial max stream data),
 * {@code md:64m} (initial max data). Several variants are separated by commas.
 */
record Knobs(String label, TransportConfig config) {

  /** The defaults of {@link TransportConfig}, bound to 127.0.0.1 on an ephemeral port. */
  static TransportConfig base() {
    return TransportConfig.defaults().withBind("127.0.0.1", 0);
  }

  static List<Knobs> parseList(String spec) {
    List<Knobs> out = new ArrayList<>();
    for (String s : spec.split(",")) {
      if (!s.isBlank()) {
        out.add(parse(s.trim()));
      }
    }
    return out;
  }

  static Knobs parse(String spec) {
    TransportConfig c = base();
    if (spec.equals("default")) {
      return new Knobs(describe("default", c), c);
    }
    int payload = c.maxUdpPayload();
    boolean gso = c.gso();
    long streamData = c.initialMaxStreamData();
    long maxData = c.initialMaxData();
    int retry = c.retryThreshold();
    boolean pmtud = c.pathMtuDiscovery();
    for (String knob : spec.split("\\+")) {
      String[] kv = knob.split(":", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("knob '" + knob + "' is not name:value (payload, gso, sw, md, retry, pmtud)");
      }
      switch (kv[0]) {
        case "payload" -> payload = Integer.parseInt(kv[1]);
        case "gso" -> gso = kv[1].equals("on") || kv[1].equals("true");
        case "sw" -> streamData = parseBytes(kv[1]);
        case "md" -> maxData = parseBytes(kv[1]);
        case "retry" -> retry = Integer.parseInt(kv[1]);
        case "pmtud" -> pmtud = kv[1].equals("on") || kv[1].equals("true");
        default -> throw new IllegalArgumentException(
            "unknown knob '" + kv[0] + "' (payload, gso, sw, md, retry, pmtud)");
      }
    }
    // TransportConfig has withers for a few fields only; the canonical constructor validates the rest.
    TransportConfig v = new TransportConfig(c.bindHost(), c.port(), c.advertisedHost(), c.idleTimeout(),
        c.keepAliveInterval(), c.connectTimeout(), maxData, streamData, c.maxStreams(), payload,
        c.socketBufferBytes(), gso, c.maxControlFrameBytes(), c.maxPendingStreams(), c.gcMinIdle(), c.gcSweepPeriod(),
        retry, pmtud);
    return new Knobs(describe(spec, v), v);
  }

  private static String describe(String name, TransportConfig c) {
    return String.format(Locale.ROOT, "%s [payload %d%s, gso %s, stream window %s, max data %s, retry from %d pending]",
        name, c.datagramCeiling(), c.pathMtuDiscovery() ? " (path MTU discovery up to it)" : " (fixed)", c.gso() ? "on" : "off", human(c.initialMaxStreamData()), human(c.initialMaxData()),
        c.retryThreshold());
  }

  static String human(long bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    if (bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes + " B";
  }

  static long parseBytes(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (t.endsWith("k")) {
      mult = 1024;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      mult = 1024 * 1024;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("g")) {
      mult = 1024L * 1024 * 1024;
      t = t.substring(0, t.length() - 1);
    }
    return Long.parseLong(t) * mult;
  }
}
