package io.minirpc.codec.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.ValueInstantiators;
import com.fasterxml.jackson.databind.deser.impl.PropertyValueBuffer;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.NopAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.minirpc.Fallback;
import io.minirpc.codec.MissingValues;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * What the JSON codec's evolving layout adds to Jackson: an enum's {@link Fallback} constant is
 * its default for unknown names, and what the writer did not send gets its missing value, as
 * {@link MissingValues} says for both codecs.
 */
final class EvolvingIntrospector extends NopAnnotationIntrospector {
  private static final long serialVersionUID = 1L;

  /**
   * The evolving layout's additions, as a module: this introspector, and missing values for what
   * the writer's version lacks: a record's creator arguments, as Jackson passes them, and a
   * class's null fields once it is read.
   */
  static Module module() {
    return new SimpleModule("minirpc-missing-values") {
      private static final long serialVersionUID = 1L;

      @Override
      public void setupModule(SetupContext context) {
        super.setupModule(context);
        // Beside the other introspectors (parameter names...), not in place of them.
        context.insertAnnotationIntrospector(new EvolvingIntrospector());
        context.addValueInstantiators(new ValueInstantiators.Base() {
          @Override
          public ValueInstantiator findValueInstantiator(DeserializationConfig config,
              BeanDescription description, ValueInstantiator instantiator) {
            return new Defaulting(instantiator);
          }
        });
        context.addBeanDeserializerModifier(new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config,
              BeanDescription description, JsonDeserializer<?> deserializer) {
            Class<?> raw = description.getBeanClass();
            return deserializer instanceof BeanDeserializerBase && !raw.isRecord()
                && !raw.getName().startsWith("java.") ? new Filling(deserializer) : deserializer;
          }
        });
      }
    };
  }

  /** Creator arguments the writer did not send (null) get their missing values. */
  private static final class Defaulting extends ValueInstantiator.Delegating {
    private static final long serialVersionUID = 1L;

    Defaulting(ValueInstantiator delegate) {
      super(delegate);
    }

    @Override
    public ValueInstantiator createContextual(DeserializationContext context,
        BeanDescription description) throws JsonMappingException {
      ValueInstantiator d = delegate().createContextual(context, description);
      return d == delegate() ? this : new Defaulting(d);
    }

    @Override
    public Object createFromObjectWith(DeserializationContext context,
        SettableBeanProperty[] properties, PropertyValueBuffer buffer) throws IOException {
      return createFromObjectWith(context, buffer.getParameters(properties));
    }

    @Override
    public Object createFromObjectWith(DeserializationContext context, Object[] args)
        throws IOException {
      SettableBeanProperty[] properties = getFromObjectArguments(context.getConfig());
      if (properties != null) {
        for (int i = 0; i < args.length && i < properties.length; i++) {
          if (args[i] == null && properties[i] != null) {
            args[i] = MissingValues.of(properties[i].getType().getRawClass());
          }
        }
      }
      return delegate().createFromObjectWith(context, args);
    }
  }

  /** A class read field by field: the fields left null get their missing values. */
  private static final class Filling extends DelegatingDeserializer {
    private static final long serialVersionUID = 1L;
    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
      @Override
      protected List<Field> computeValue(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> k = type; k != null && !k.getName().startsWith("java."); k = k.getSuperclass()) {
          for (Field f : k.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()
                && !f.getType().isPrimitive() && f.trySetAccessible()) {
              fields.add(f);
            }
          }
        }
        return List.copyOf(fields);
      }
    };

    Filling(JsonDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
      return new Filling(delegate);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      Object value = super.deserialize(parser, context);
      if (value != null) {
        try {
          MissingValues.fill(value, FIELDS.get(value.getClass()));
        } catch (IllegalAccessException e) {
          throw JsonMappingException.from(parser, "cannot set a missing field of "
              + value.getClass().getName(), e);
        }
      }
      return value;
    }
  }

  @Override
  public Enum<?> findDefaultEnumValue(AnnotatedClass annotatedClass, Enum<?>[] enumValues) {
    for (Enum<?> e : enumValues) {
      try {
        if (e.getDeclaringClass().getField(e.name()).isAnnotationPresent(Fallback.class)) {
          return e;
        }
      } catch (NoSuchFieldException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    return null; // the other introspectors may know one
  }
}
