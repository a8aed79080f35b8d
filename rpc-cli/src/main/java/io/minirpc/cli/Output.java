package io.minirpc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON in and out: exact numbers, no trailing tokens, pretty output. */
final class Output {
  static final ObjectMapper JSON = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature
          .STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  static String pretty(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String compact(JsonNode node) {
    return node.toString();
  }

  /** A schema document as the listing gives it, without its {@code $schema} line. */
  static JsonNode schema(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node instanceof ObjectNode) {
        ((ObjectNode) node).remove("$schema");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new Failure(Minirpc.FAILED, "The server sent a schema that is not JSON: "
          + e.getOriginalMessage());
    }
  }
}
