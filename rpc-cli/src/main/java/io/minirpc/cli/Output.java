package io.minirpc.cli;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON in and out: exact numbers, no trailing tokens, pretty output, and strings written with
 * {@link Terminal.JsonEscapes}, so that what a server sent cannot drive the terminal.
 */
final class Output {
  static final ObjectMapper JSON = new ObjectMapper(new JsonFactoryBuilder()
      .characterEscapes(new Terminal.JsonEscapes()).build())
      .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature
          .STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectWriter COMPACT =
      JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  static String pretty(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String compact(JsonNode node) {
    try {
      // Not node.toString(): that writes with Jackson's own mapper, without our escapes.
      return COMPACT.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
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
