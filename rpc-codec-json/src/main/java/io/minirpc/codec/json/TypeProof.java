package io.minirpc.codec.json;

import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves, when a service is registered or a proxy made, that the JSON codec can read a declared
 * type and every type it reaches through fields, elements, keys and type arguments, and says what
 * to change when it cannot. Without it, Jackson finds out on the first call, and the caller reads
 * Jackson's words under a hint about versions that does not apply.
 */
final class TypeProof {
  /** Words of a refusal made while Jackson builds its deserializers (see JsonCodec). */
  static final String REFUSED = "the json codec does not decode ";
  static final String END = "Declare a Set, and copy it";

  /** Jackson's words when it has no reader for a map's keys, naming their class. */
  private static final Pattern MAP_KEY = Pattern.compile(
      "Cannot find a \\(Map\\) Key deserializer for type \\[[^\\]]*class ([\\w.$]+)\\]");

  private final DeserializationContext context;
  private final DeserializationConfig config;
  private final Set<JavaType> seen = new HashSet<>();

  private TypeProof(JsonMapper mapper) {
    this.config = mapper.getDeserializationConfig();
    this.context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
        .createDummyInstance(config);
  }

  /** @throws IllegalArgumentException saying why values of {@code type} cannot be read */
  static void prove(JsonMapper mapper, JavaType type) {
    new TypeProof(mapper).visit(type, type);
  }

  private void visit(JavaType type, JavaType root) {
    if (!seen.add(type)) {
      return;
    }
    Class<?> raw = type.getRawClass();
    if (type.isMapLikeType()) {
      deserializer(type, root); // a key Jackson cannot read fails here
      visit(type.getKeyType(), root);
      visit(type.getContentType(), root);
      return;
    }
    if (type.isContainerType() || type.isReferenceType()) {
      visit(type.isReferenceType() ? type.getReferencedType() : type.getContentType(), root);
      deserializer(type, root);
      return;
    }
    if (raw.isPrimitive() || raw.isEnum() || JsonNode.class.isAssignableFrom(raw)
        || raw.getName().startsWith("java.") || raw.getName().startsWith("javax.")
        || raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
      return; // the JDK's value types have Jackson's own readers; abstract ones name subtypes
    }
    JsonDeserializer<?> d = deserializer(type, root);
    if (!(d instanceof BeanDeserializerBase bean)) {
      return; // the class names its own deserializer
    }
    ValueInstantiator creator = bean.getValueInstantiator();
    if (!creator.canCreateUsingDefault() && !creator.canCreateFromObjectWith()
        && !creator.canCreateUsingDelegate() && !creator.canCreateFromString()) {
      throw new IllegalArgumentException("the json codec cannot build " + name(type)
          + reached(type, root) + ": it has no constructor without arguments, and no"
          + " constructor whose parameters it can match to the fields by name. Compile it with"
          + " -parameters (in Maven, maven.compiler.parameters=true) so that its constructor's"
          + " parameter names are known, add a constructor without arguments, or annotate its"
          + " constructor with @JsonCreator; or use the kryo codec");
    }
    SettableBeanProperty[] creatorArgs = creator.getFromObjectArguments(config);
    if (creatorArgs != null) {
      for (SettableBeanProperty p : creatorArgs) {
        visit(p.getType(), root);
      }
    }
    for (Iterator<SettableBeanProperty> it = bean.properties(); it.hasNext(); ) {
      visit(it.next().getType(), root);
    }
  }

  private JsonDeserializer<?> deserializer(JavaType type, JavaType root) {
    try {
      return context.findRootValueDeserializer(type);
    } catch (IOException | RuntimeException e) {
      // Jackson keeps the message of a refusal made while it builds, not the exception.
      String message = String.valueOf(e.getMessage());
      int start = message.indexOf(REFUSED);
      if (start >= 0) {
        int end = message.indexOf(END, start);
        end = end < 0 ? message.length() : end + END.length();
        throw new IllegalArgumentException(message.substring(start, end));
      }
      Matcher key = MAP_KEY.matcher(message);
      if (key.find()) {
        throw new IllegalArgumentException("the json codec cannot read a Map whose keys are "
            + key.group(1) + reached(type, root) + ": JSON object keys are text,"
            + " and it reads as keys only strings, numbers, enums, UUIDs, dates and classes"
            + " with a constructor or factory from one String. Declare such a key, carry a List"
            + " of entries instead, or use the kryo codec");
      }
      throw new IllegalArgumentException("the json codec cannot read " + name(type)
          + reached(type, root) + ": " + message.lines().findFirst().orElse(message), e);
    }
  }

  private static String name(JavaType type) {
    return type.getRawClass().getName();
  }

  private static String reached(JavaType type, JavaType root) {
    return type.equals(root) ? "" : " (reached from " + root.toCanonical() + ")";
  }
}
