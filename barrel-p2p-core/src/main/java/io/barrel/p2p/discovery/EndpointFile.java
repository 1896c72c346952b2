package io.barrel.p2p.discovery;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The content of one {@code <node>.endpoint} file: where that node listens.
 *
 * <pre>
 * {"host":"10.0.0.7","port":9443}
 * </pre>
 *
 * {@code host} is a DNS name or an IP literal (IPv6 without brackets); {@code port} is an integer
 * from 1 to 65535. Other fields are ignored so that later versions can add some. The whole file is
 * at most {@link #MAX_BYTES} bytes.
 */
record EndpointFile(String host, int port) {

  /** Bound on the file size: a real endpoint is about 40 bytes; anything near this is not one. */
  static final int MAX_BYTES = 4096;

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  EndpointFile {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("\"host\" is empty");
    }
    if (host.length() > HostPort.MAX_HOST_LENGTH) {
      throw new IllegalArgumentException(
          "\"host\" is longer than " + HostPort.MAX_HOST_LENGTH + " characters");
    }
    if (host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException(
          "\"host\" contains spaces, control or non-ASCII characters");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("\"port\" " + port + " is not between 1 and 65535");
    }
  }

  /** The JSON form, one line with a trailing newline so that {@code cat} shows it cleanly. */
  byte[] toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("host", host);
    node.put("port", port);
    return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses and validates a file's bytes.
   *
   * @throws IllegalArgumentException saying what is wrong with the content
   */
  static EndpointFile fromJson(byte[] content) {
    if (content.length > MAX_BYTES) {
      throw new IllegalArgumentException("it is larger than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "it is not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("it is not a JSON object");
    }
    JsonNode host = root.get("host");
    if (host == null || !host.isString()) {
      throw new IllegalArgumentException("\"host\" is missing or not a string");
    }
    JsonNode port = root.get("port");
    if (port == null || !port.isIntegralNumber() || !port.canConvertToInt()) {
      throw new IllegalArgumentException("\"port\" is missing or not an integer");
    }
    return new EndpointFile(host.stringValue(), port.intValue());
  }

  HostPort address() {
    return new HostPort(host, port);
  }
}
