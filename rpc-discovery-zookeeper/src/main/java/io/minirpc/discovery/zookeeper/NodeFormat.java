package io.minirpc.discovery.zookeeper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minirpc.discovery.ServerInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The data of a server's node: one JSON object, UTF-8, that says what it is and which version of
 * the format it follows.
 *
 * <pre>{@code
 * {"kind":"minirpc-server","version":1,
 *  "host":"10.0.0.7","port":4242,"weight":100,
 *  "codecs":["json","kryo"],
 *  "services":{"com.example.Calculator":{"add(int,int)":"05156e9bf4b7c343", ...}},
 *  "attributes":{"zone":"eu-1"}}
 * }</pre>
 *
 * <p>Fingerprint digests are 16 hexadecimal digits, the 64 bits of the handshake's digest (a JSON
 * number would lose bits in JavaScript tools). A field added later keeps version 1: readers ignore
 * fields they do not know. A version other than 1 means a change old readers cannot follow, and
 * they skip the node. Everything read is checked: a node is written by whoever may write the
 * group, so its data is untrusted. A node's data is at most {@link #MAX_BYTES}; a weight above
 * {@link ServerInstance#MAX_WEIGHT} counts as that.
 */
final class NodeFormat {
  static final String KIND = "minirpc-server";
  static final int VERSION = 1;
  /**
   * The most data a server's node may have, 64 KiB: about 900 methods' fingerprints. Readers skip
   * a larger node without parsing it.
   */
  static final int MAX_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeFormat() {}

  /** {@code self} as the node's data. */
  static byte[] write(ServerInstance self) {
    ObjectNode root = JSON.createObjectNode();
    root.put("kind", KIND);
    root.put("version", VERSION);
    root.put("host", self.host());
    root.put("port", self.port());
    root.put("weight", self.weight());
    self.codecs().forEach(root.putArray("codecs")::add);
    ObjectNode services = root.putObject("services");
    new TreeMap<>(self.services()).forEach((service, methods) -> {
      ObjectNode m = services.putObject(service);
      new TreeMap<>(methods).forEach((key, digest) -> m.put(key, hex(digest)));
    });
    ObjectNode attributes = root.putObject("attributes");
    new TreeMap<>(self.attributes()).forEach(attributes::put);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a tree of strings and numbers always writes
    }
  }

  /**
   * The server a node describes.
   *
   * @throws IllegalArgumentException saying what is wrong with it (the message quotes the
   *     node's text: escape it before logging)
   */
  static ServerInstance read(byte[] data) {
    return read(data, note -> {});
  }

  /**
   * The server a node describes; {@code warnings} hears of values that were out of bounds and
   * were brought within them (the text quotes nothing of the node).
   *
   * @throws IllegalArgumentException saying what is wrong with it (the message quotes the
   *     node's text: escape it before logging)
   */
  static ServerInstance read(byte[] data, Consumer<String> warnings) {
    if (data == null || data.length == 0) {
      throw new IllegalArgumentException("it has no data");
    }
    if (data.length > MAX_BYTES) {
      throw new IllegalArgumentException("its data is " + data.length + " bytes, more than the "
          + MAX_BYTES + " a server's node may have");
    }
    JsonNode root;
    try {
      root = JSON.readTree(data);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("it is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("it is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("it is not a JSON object");
    }
    JsonNode kind = root.get("kind");
    if (kind == null || !KIND.equals(kind.textValue())) {
      throw new IllegalArgumentException("its kind is not \"" + KIND + "\"");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isInt()) {
      throw new IllegalArgumentException("it has no version");
    }
    if (version.intValue() != VERSION) {
      throw new IllegalArgumentException("it is in version " + version.intValue()
          + " of the format, and this minirpc reads version " + VERSION
          + " (a newer minirpc wrote it?)");
    }
    String host = text(root, "host");
    int port = integer(root, "port", -1);
    int weight = integer(root, "weight", ServerInstance.DEFAULT_WEIGHT);
    if (weight > ServerInstance.MAX_WEIGHT) {
      warnings.accept("its weight " + weight + " is more than " + ServerInstance.MAX_WEIGHT
          + ", the most a server may have; counted as " + ServerInstance.MAX_WEIGHT);
    }
    List<String> codecs = new ArrayList<>();
    for (JsonNode c : array(root, "codecs")) {
      if (!c.isTextual()) {
        throw new IllegalArgumentException("codecs holds something other than names");
      }
      codecs.add(c.textValue());
    }
    Map<String, Map<String, Long>> services = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> service : object(root, "services").properties()) {
      if (!service.getValue().isObject()) {
        throw new IllegalArgumentException("service " + service.getKey() + " is not an object");
      }
      Map<String, Long> methods = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> method : service.getValue().properties()) {
        methods.put(method.getKey(), digest(service.getKey(), method));
      }
      services.put(service.getKey(), methods);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> a : object(root, "attributes").properties()) {
      if (!a.getValue().isTextual()) {
        throw new IllegalArgumentException("attribute " + a.getKey() + " is not a string");
      }
      attributes.put(a.getKey(), a.getValue().textValue());
    }
    return new ServerInstance(host, port, weight, codecs, services, attributes);
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual() || n.textValue().isBlank()) {
      throw new IllegalArgumentException("it has no " + field);
    }
    return n.textValue();
  }

  private static int integer(JsonNode root, String field, int otherwise) {
    JsonNode n = root.get(field);
    if (n == null && otherwise >= 0) {
      return otherwise;
    }
    if (n == null || !n.isInt()) {
      throw new IllegalArgumentException("its " + field + " is not a whole number");
    }
    return n.intValue();
  }

  private static Iterable<JsonNode> array(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException("its " + field + " is not an array");
    }
    return n;
  }

  private static JsonNode object(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null) {
      return JSON.createObjectNode();
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException("its " + field + " is not an object");
    }
    return n;
  }

  private static long digest(String service, Map.Entry<String, JsonNode> method) {
    JsonNode n = method.getValue();
    String text = n.isTextual() ? n.textValue() : "";
    if (text.length() != 16) {
      throw new IllegalArgumentException("the fingerprint of " + service + "." + method.getKey()
          + " is not 16 hexadecimal digits");
    }
    try {
      return Long.parseUnsignedLong(text, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the fingerprint of " + service + "." + method.getKey()
          + " is not 16 hexadecimal digits");
    }
  }

  private static String hex(long digest) {
    String h = Long.toHexString(digest);
    return "0".repeat(16 - h.length()) + h;
  }
}
