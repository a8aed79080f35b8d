package io.minirpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Checks a JSON value against the JSON Schema a minirpc server's listing gives (draft 2020-12,
 * the keywords minirpc's generator writes: type, enum, minimum, maximum, minLength, maxLength,
 * items, uniqueItems, properties, required, additionalProperties, propertyNames, pattern, anyOf,
 * $ref into $defs, format and contentEncoding), and says where and why it does not match.
 */
final class SchemaValidator {
  private final JsonNode root;

  SchemaValidator(JsonNode root) {
    this.root = root;
  }

  /** Why {@code value} does not match, starting "at $...: ", or null if it does. */
  String check(JsonNode value) {
    return check(root, value, "$");
  }

  private String check(JsonNode schema, JsonNode value, String at) {
    boolean bestFromNull = false;
    if (schema.has("$ref")) {
      String err = check(resolve(schema.get("$ref").asText()), value, at);
      if (err != null) {
        return err;
      }
    }
    if (schema.has("anyOf")) {
      String best = null;
      for (JsonNode option : schema.get("anyOf")) {
        String err = check(option, value, at);
        if (err == null) {
          best = null;
          break;
        }
        // A branch other than "null" says more about what was meant.
        if (best == null || !isNullOnly(option) && bestFromNull) {
          best = err;
          bestFromNull = isNullOnly(option);
        }
      }
      if (best != null) {
        return best;
      }
    }
    if (schema.has("enum")) {
      for (JsonNode allowed : schema.get("enum")) {
        if (allowed.equals(value)) {
          return null;
        }
      }
      List<String> names = new ArrayList<>();
      for (JsonNode allowed : schema.get("enum")) {
        names.add(allowed.toString());
      }
      return at(at) + show(value) + " is not one of " + String.join(", ", names);
    }
    if (schema.has("type")) {
      String err = checkType(schema.get("type"), value, at);
      if (err != null) {
        return err;
      }
    }
    if (value.isNumber()) {
      BigDecimal n = value.decimalValue();
      if (schema.has("minimum") && n.compareTo(schema.get("minimum").decimalValue()) < 0) {
        return at(at) + value + " is less than the minimum " + schema.get("minimum");
      }
      if (schema.has("maximum") && n.compareTo(schema.get("maximum").decimalValue()) > 0) {
        return at(at) + value + " is more than the maximum " + schema.get("maximum");
      }
    }
    if (value.isTextual()) {
      return checkText(schema, value.textValue(), at);
    }
    if (value.isArray()) {
      return checkArray(schema, value, at);
    }
    if (value.isObject()) {
      return checkObject(schema, value, at);
    }
    return null;
  }

  private static boolean isNullOnly(JsonNode schema) {
    return "null".equals(schema.path("type").asText()) && schema.size() == 1;
  }

  private String checkType(JsonNode type, JsonNode value, String at) {
    List<String> allowed = new ArrayList<>();
    if (type.isArray()) {
      type.forEach(t -> allowed.add(t.asText()));
    } else {
      allowed.add(type.asText());
    }
    for (String t : allowed) {
      if (is(t, value)) {
        return null;
      }
    }
    if (allowed.contains("integer") && value.isNumber()) {
      return at(at) + value + " is not a whole number";
    }
    return at(at) + "expected " + String.join(" or ", article(allowed)) + ", got "
        + show(value);
  }

  private static boolean is(String type, JsonNode value) {
    switch (type) {
      case "null":
        return value.isNull();
      case "boolean":
        return value.isBoolean();
      case "integer":
        return value.isIntegralNumber();
      case "number":
        return value.isNumber();
      case "string":
        return value.isTextual();
      case "array":
        return value.isArray();
      case "object":
        return value.isObject();
      default:
        return true;
    }
  }

  private String checkText(JsonNode schema, String text, String at) {
    int length = text.codePointCount(0, text.length());
    if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
      return at(at) + show(text) + " is shorter than " + schema.get("minLength") + " character(s)";
    }
    if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
      return at(at) + show(text) + " is longer than " + schema.get("maxLength") + " character(s)";
    }
    if (schema.has("pattern") && !java.util.regex.Pattern.compile(
        schema.get("pattern").asText()).matcher(text).find()) {
      return at(at) + show(text) + " does not match " + schema.get("pattern").asText();
    }
    if ("base64".equals(schema.path("contentEncoding").asText())) {
      try {
        Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        return at(at) + "expected base64 bytes, got " + show(text);
      }
    }
    String format = schema.path("format").asText("");
    try {
      switch (format) {
        case "uuid":
          UUID.fromString(text);
          break;
        case "date-time":
          OffsetDateTime.parse(text);
          break;
        case "date":
          LocalDate.parse(text);
          break;
        case "time":
          OffsetTime.parse(text);
          break;
        case "duration":
          Duration.parse(text);
          break;
        default:
          break;
      }
    } catch (DateTimeParseException | IllegalArgumentException e) {
      return at(at) + show(text) + " is not a " + format + EXAMPLES.getOrDefault(format, "");
    }
    return null;
  }

  private static final Map<String, String> EXAMPLES = Map.of(
      "uuid", " (such as \"123e4567-e89b-12d3-a456-426614174000\")",
      "date-time", " (ISO-8601 with an offset, such as \"2026-11-30T10:15:30Z\")",
      "date", " (ISO-8601, such as \"2026-11-30\")",
      "time", " (ISO-8601 with an offset, such as \"10:15:30Z\")",
      "duration", " (ISO-8601, such as \"PT5S\")");

  private String checkArray(JsonNode schema, JsonNode value, String at) {
    if (schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        String err = check(schema.get("items"), value.get(i), at + "[" + i + "]");
        if (err != null) {
          return err;
        }
      }
    }
    if (schema.path("uniqueItems").asBoolean(false)) {
      Set<JsonNode> seen = new HashSet<>();
      for (JsonNode item : value) {
        if (!seen.add(item)) {
          return at(at) + show(item) + " appears twice, but the items are a set";
        }
      }
    }
    return null;
  }

  private String checkObject(JsonNode schema, JsonNode value, String at) {
    JsonNode properties = schema.path("properties");
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        return at(at) + "the property \"" + required.asText() + "\" is missing";
      }
    }
    Iterator<Map.Entry<String, JsonNode>> fields = value.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String path = at + "." + f.getKey();
      if (schema.has("propertyNames")) {
        String err = check(schema.get("propertyNames"),
            com.fasterxml.jackson.databind.node.TextNode.valueOf(f.getKey()), path);
        if (err != null) {
          return at(path) + "the key " + err.substring(at(path).length());
        }
      }
      if (properties.has(f.getKey())) {
        String err = check(properties.get(f.getKey()), f.getValue(), path);
        if (err != null) {
          return err;
        }
        continue;
      }
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
        List<String> known = new ArrayList<>();
        properties.fieldNames().forEachRemaining(known::add);
        return at(at) + "unknown property \"" + f.getKey() + "\" (" + (known.isEmpty()
            ? "it has none" : "it has: " + String.join(", ", known)) + ")";
      }
      if (additional != null && additional.isObject()) {
        String err = check(additional, f.getValue(), path);
        if (err != null) {
          return err;
        }
      }
    }
    return null;
  }

  private JsonNode resolve(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException("only local references are supported: " + ref);
    }
    JsonNode node = root;
    for (String part : ref.substring(2).split("/")) {
      node = node.path(part.replace("~1", "/").replace("~0", "~"));
    }
    if (node.isMissingNode()) {
      throw new IllegalArgumentException("the schema refers to " + ref + ", which it lacks");
    }
    return node;
  }

  /** Where a problem is: nothing for the value itself, "at $.items[2]: " inside it. */
  private static String at(String path) {
    return path.equals("$") ? "" : "at " + path + ": ";
  }

  private static List<String> article(List<String> types) {
    List<String> out = new ArrayList<>();
    for (String t : types) {
      out.add(t.equals("null") ? "null" : (t.equals("integer") || t.equals("array")
          || t.equals("object") ? "an " : "a ") + t);
    }
    return out;
  }

  private static String show(Object value) {
    String text = value instanceof JsonNode ? value.toString()
        : com.fasterxml.jackson.databind.node.TextNode.valueOf((String) value).toString();
    String kind = "";
    if (value instanceof JsonNode) {
      JsonNode v = (JsonNode) value;
      kind = v.isTextual() ? "a string" : v.isNumber() ? "a number" : v.isBoolean()
          ? "a boolean" : v.isArray() ? "an array" : v.isObject() ? "an object" : "";
    }
    text = text.length() > 60 ? text.substring(0, 57) + "..." : text;
    return kind.isEmpty() || "null".equals(text) ? text : text + " (" + kind + ")";
  }
}
