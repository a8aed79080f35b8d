package io.minirpc.codec.json;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * One Jackson mapper per client or server, configured strictly; one {@link ObjectReader} and
 * {@link ObjectWriter} per declared type, built when the service is registered and shared by every
 * call.
 */
final class JsonCodec implements Codec {
  /** Deeper nesting than this in one value is refused (Jackson's default, stated here). */
  static final int MAX_NESTING_DEPTH = 1000;

  /** Longest number literal accepted, in characters; bounds BigInteger/BigDecimal parsing work. */
  static final int MAX_NUMBER_LENGTH = 1000;

  private final JsonMapper mapper;

  JsonCodec(CodecContext context) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(context.maxFrameSize())
                    .build())
            // The core hands us a stream bounded to one slot: never close it.
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    JsonMapper.Builder builder =
        JsonMapper.builder(factory)
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            // Untrusted bytes never pick a class: only allowed classes pass @JsonTypeInfo(CLASS).
            .polymorphicTypeValidator(new AllowListTypeValidator(context.allowedClasses()))
            .enable(MapperFeature.BLOCK_UNSAFE_POLYMORPHIC_BASE_TYPES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            // Values are their fields, as Kryo sees them; getters are behaviour, not state.
            .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .visibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(SerializationFeature.CLOSE_CLOSEABLE)
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
            // Null fields are left out: an absent field of a plain class reads back as null,
            // while an empty Optional is written as JSON null and reads back as empty. (What the
            // deprecated serializationInclusion(NON_NULL) did: NON_NULL for values and contents.)
            .defaultPropertyInclusion(JsonInclude.Value.construct(
                JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));
    this.mapper = builder.build();
  }

  @Override
  public ValueWriter writer(Type type) {
    ObjectWriter writer = mapper.writerFor(javaType(type));
    return (value, out) -> writer.writeValue(out, value);
  }

  @Override
  public ValueReader reader(Type type) {
    JavaType javaType = javaType(type);
    ObjectReader reader = mapper.readerFor(javaType);
    if (javaType.hasRawClass(Optional.class)) {
      // A null value never reaches the codec, so a JSON null here is an empty Optional.
      return in -> {
        Object value = reader.readValue(in);
        return value == null ? Optional.empty() : value;
      };
    }
    return reader::readValue;
  }

  private JavaType javaType(Type type) {
    JavaType javaType = mapper.getTypeFactory().constructType(type);
    Class<?> raw = javaType.getRawClass();
    boolean abstractType =
        raw.isInterface() || (Modifier.isAbstract(raw.getModifiers()) && !raw.isPrimitive());
    if (raw == Object.class
        || (abstractType
            && !javaType.isContainerType()
            && !javaType.isReferenceType()
            && !raw.getName().startsWith("java.")
            && raw.getAnnotation(JsonTypeInfo.class) == null)) {
      throw new IllegalArgumentException(
          "JSON carries no class names, so it cannot tell which implementation of "
              + raw.getName()
              + " to build. Declare a concrete type, or annotate "
              + raw.getSimpleName()
              + " with @JsonTypeInfo(use = NAME) and @JsonSubTypes");
    }
    return javaType;
  }
}
