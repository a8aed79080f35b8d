package io.minirpc.codec.json;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.Converter;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.DecodeBudget;
import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

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

  /** Tokens read between two checks of the decoding budget. */
  static final int CHECK_EVERY = 1024;

  private final JsonMapper mapper;
  /** This codec in the other layout: the evolving one, or (for that one) the plain one. */
  private final JsonCodec twin;
  private final boolean evolving;

  JsonCodec(CodecContext context) {
    this.mapper = mapper(context, false);
    this.evolving = false;
    this.twin = new JsonCodec(mapper(context, true), this);
  }

  private JsonCodec(JsonMapper mapper, JsonCodec plain) {
    this.mapper = mapper;
    this.evolving = true;
    this.twin = plain;
  }

  /**
   * Reads what another version of the classes wrote: a property this side's class does not have
   * is skipped, one it was not sent gets its missing value, an unknown enum constant is refused
   * by name or read as the {@code @Fallback} one; it writes null properties as JSON nulls, so that
   * a reader tells a null from a property its writer's version lacks.
   */
  @Override
  public Codec evolving() {
    return evolving ? this : twin;
  }

  private static JsonMapper mapper(CodecContext context, boolean evolving) {
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
            // After it, so that these come first: the same text, without DateTimeFormatter.
            .addModule(IsoDates.module())
            .addModule(new Jdk8Module())
            // Constructors' parameter names, where classes were compiled with -parameters.
            .addModule(new ParameterNamesModule())
            .addModule(new SimpleModule("minirpc-linear-collections")
                .setDeserializerModifier(new LinearCollections()))
            .addModule(new SimpleModule("minirpc-ordered-records")
                .setDeserializerModifier(new OrderedRecords()))
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
    if (evolving) {
      builder.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // A primitive the writer's version lacks is zero (Jackson sees it as null).
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
          .defaultPropertyInclusion(JsonInclude.Value.construct(
              JsonInclude.Include.ALWAYS, JsonInclude.Include.NON_NULL));
      builder.addModule(EvolvingIntrospector.module());
    }
    return builder.build();
  }

  /** The mapper, for tests that look at what Jackson built. */
  JsonMapper mapper() {
    return mapper;
  }

  @Override
  public ValueWriter writer(Type type) {
    ObjectWriter writer = mapper.writerFor(javaType(type));
    return (value, out) -> writer.writeValue(out, value);
  }

  @Override
  public ValueReader reader(Type type) {
    JavaType javaType = javaType(type);
    ObjectReader reader = javaType.isTypeOrSubTypeOf(JsonNode.class)
        // A tree keeps every number as written: 7.50 stays 7.50, not the double 7.5.
        ? mapper.readerFor(javaType).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(com.fasterxml.jackson.databind.cfg.JsonNodeFeature
                .STRIP_TRAILING_BIGDECIMAL_ZEROES)
        : mapper.readerFor(javaType);
    TypeProof.prove(mapper, javaType);
    // A null value never reaches the codec, so a JSON null for an Optional is an empty one.
    boolean optional = javaType.hasRawClass(Optional.class);
    return new ValueReader() {
      @Override
      public Object read(InputStream in) throws IOException {
        return read(in, DecodeBudget.UNLIMITED);
      }

      @Override
      public Object read(InputStream in, DecodeBudget budget) throws IOException {
        Object value;
        try (JsonParser p = new BudgetedParser(reader.createParser(in), budget)) {
          value = reader.readValue(p);
        }
        return optional && value == null ? Optional.empty() : value;
      }
    };
  }

  /**
   * Checks the decoding budget every {@link #CHECK_EVERY} tokens: every method that moves the
   * parser on counts one token.
   */
  private static final class BudgetedParser extends JsonParserDelegate {
    private final DecodeBudget budget;
    private int untilCheck = CHECK_EVERY;

    BudgetedParser(JsonParser parser, DecodeBudget budget) {
      super(parser);
      this.budget = budget;
    }

    @Override
    public JsonToken nextToken() throws IOException {
      tick();
      return delegate.nextToken();
    }

    @Override
    public JsonToken nextValue() throws IOException {
      tick();
      return delegate.nextValue();
    }

    // Jackson's parsers have faster ways to these than through nextToken; each is one token.

    @Override
    public boolean nextFieldName(SerializableString name) throws IOException {
      tick();
      return delegate.nextFieldName(name);
    }

    @Override
    public String nextFieldName() throws IOException {
      tick();
      return delegate.nextFieldName();
    }

    @Override
    public String nextTextValue() throws IOException {
      tick();
      return delegate.nextTextValue();
    }

    @Override
    public int nextIntValue(int defaultValue) throws IOException {
      tick();
      return delegate.nextIntValue(defaultValue);
    }

    @Override
    public long nextLongValue(long defaultValue) throws IOException {
      tick();
      return delegate.nextLongValue(defaultValue);
    }

    @Override
    public Boolean nextBooleanValue() throws IOException {
      tick();
      return delegate.nextBooleanValue();
    }

    private void tick() throws IOException {
      if (--untilCheck == 0) {
        untilCheck = CHECK_EVERY;
        budget.check();
      }
    }
  }

  /**
   * Builds copy-on-write collections once, from a list read first: Jackson adds elements one by
   * one, and every add to a CopyOnWriteArrayList copies its array, so n elements would cost n².
   * A CopyOnWriteArraySet costs n² to build whichever way (each element is compared with all
   * before it), so it is refused.
   */
  private static final class LinearCollections extends BeanDeserializerModifier {
    @Override
    public JsonDeserializer<?> modifyCollectionDeserializer(DeserializationConfig config,
        CollectionType type, BeanDescription description, JsonDeserializer<?> deserializer) {
      Class<?> raw = type.getRawClass();
      if (CopyOnWriteArraySet.class.isAssignableFrom(raw)) {
        throw new IllegalArgumentException(TypeProof.REFUSED + raw.getName()
            + ": building one from n elements takes n² time. Declare a Set, and copy it");
      }
      if (raw == CopyOnWriteArrayList.class) {
        JavaType element = type.getContentType();
        return new StdDelegatingDeserializer<Object>(new Converter<Object, Object>() {
          @Override
          public Object convert(Object list) {
            return new CopyOnWriteArrayList<>((List<?>) list);
          }

          @Override
          public JavaType getInputType(TypeFactory types) {
            return types.constructCollectionType(ArrayList.class, element);
          }

          @Override
          public JavaType getOutputType(TypeFactory types) {
            return type;
          }
        });
      }
      return deserializer;
    }
  }

  private JavaType javaType(Type type) {
    JavaType javaType = mapper.getTypeFactory().constructType(type);
    Class<?> raw = javaType.getRawClass();
    if (JsonNode.class.isAssignableFrom(raw)) {
      // A tree passes through as it is, under the same limits: how a tool without the Java
      // interface (minirpc call) sends arguments and reads results. It names no class.
      return javaType;
    }
    boolean abstractType = raw.isInterface()
        || (Modifier.isAbstract(raw.getModifiers()) && !raw.isPrimitive() && !raw.isEnum());
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
