package io.minirpc.codec.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.BeanDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.impl.PropertyBasedCreator;
import com.fasterxml.jackson.databind.deser.impl.MethodProperty;
import com.fasterxml.jackson.databind.deser.impl.PropertyValueBuffer;
import com.fasterxml.jackson.databind.util.NameTransformer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.Collection;

/**
 * Reads a record's properties expecting them in the order its writer puts them, the order of its
 * components: each name is matched against the next component's name as bytes, in the parser,
 * before any lookup. Jackson's own path looks every name up in a map and canonicalizes it first;
 * for a page of records that was a quarter of the decoding time.
 *
 * <p>Only the name matching differs. Values, nulls, missing and duplicate properties, unknown
 * ones and the build go through Jackson's own property objects and value buffer, so both layouts
 * keep their rules. A record with anything beyond plain properties (views, injection, object ids,
 * any-setters, ignorals, unwrapping, external type ids) keeps Jackson's path whole.
 */
final class OrderedRecords extends BeanDeserializerModifier {
  @Override
  public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config,
      BeanDescription description, JsonDeserializer<?> deserializer) {
    return deserializer.getClass() == BeanDeserializer.class
        && description.getBeanClass().isRecord()
        ? new Reader((BeanDeserializer) deserializer) : deserializer;
  }

  /** Whether {@code deserializer} reads on the ordered path, for tests. */
  static boolean reads(JsonDeserializer<?> deserializer) {
    return deserializer instanceof Reader r && r.ordered != null;
  }

  /** Jackson's record deserializer with ordered name matching; see {@link OrderedRecords}. */
  private static final class Reader extends BeanDeserializer {
    private static final long serialVersionUID = 1L;

    /** The creator's properties in component order, or null where Jackson's path is kept. */
    private transient SettableBeanProperty[] ordered;
    private transient SerializedString[] names;

    /** Whether this is Jackson's unwrapping copy, which keeps Jackson's path. */
    private final boolean unwrapping;
    /** What {@link #unwrappingDeserializer} works on now: a guard against cycles, as Jackson's. */
    private transient volatile NameTransformer transforming;

    Reader(BeanDeserializer src) {
      super(src);
      this.unwrapping = false;
    }

    private Reader(Reader src, NameTransformer unwrapper) {
      super(src, unwrapper);
      this.unwrapping = true;
    }

    /**
     * Jackson's unwrapping copy, as its own {@code BeanDeserializer} makes one: it returns itself
     * for any subclass, and a {@code @JsonUnwrapped} record would then be read as a nested one.
     */
    @Override
    public JsonDeserializer<Object> unwrappingDeserializer(NameTransformer transformer) {
      if (transforming == transformer) {
        return this;
      }
      transforming = transformer;
      try {
        return new Reader(this, transformer);
      } finally {
        transforming = null;
      }
    }

    @Override
    public void resolve(DeserializationContext ctxt) throws JsonMappingException {
      super.resolve(ctxt);
      PropertyBasedCreator creator = _propertyBasedCreator;
      if (unwrapping || creator == null || _anySetter != null || _injectables != null
          || _objectIdReader != null || _needViewProcesing || _unwrappedPropertyHandler != null
          || _externalTypeIdHandler != null || _includableProps != null
          || (_ignorableProps != null && !_ignorableProps.isEmpty())) {
        return;
      }
      for (SettableBeanProperty p : _beanProperties) {
        if (p instanceof MethodProperty) {
          return; // a setter beside the components: Jackson's path knows how they mix
        }
      }
      Collection<SettableBeanProperty> properties = creator.properties();
      SettableBeanProperty[] byIndex = new SettableBeanProperty[properties.size()];
      for (SettableBeanProperty p : properties) {
        int i = p.getCreatorIndex();
        if (i < 0 || i >= byIndex.length || byIndex[i] != null || p.isInjectionOnly()
            || p.isMerging()) {
          return;
        }
        byIndex[i] = p;
      }
      SerializedString[] serialized = new SerializedString[byIndex.length];
      for (int i = 0; i < byIndex.length; i++) {
        serialized[i] = new SerializedString(byIndex[i].getName());
      }
      names = serialized;
      ordered = byIndex;
    }

    @Override
    protected Object _deserializeUsingPropertyBased(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      SettableBeanProperty[] props = ordered;
      if (props == null) {
        return super._deserializeUsingPropertyBased(p, ctxt);
      }
      PropertyBasedCreator creator = _propertyBasedCreator;
      PropertyValueBuffer buffer = creator.startBuilding(p, ctxt, null);
      TokenBuffer unknown = null;
      int next = 0;
      String name = fieldName(p);
      while (name != null) {
        SettableBeanProperty prop = next < props.length && name.equals(props[next].getName())
            ? props[next] : creator.findCreatorProperty(name);
        p.nextToken(); // to the value
        if (prop == null) {
          // Not a component: skipped by the evolving layout, or kept to be refused once the
          // record is built, as on Jackson's path.
          if (_ignoreAllUnknown) {
            p.skipChildren();
          } else {
            if (unknown == null) {
              unknown = ctxt.bufferForInputBuffering(p);
            }
            unknown.writeFieldName(name);
            unknown.copyCurrentStructure(p);
          }
        } else {
          Object value = _deserializeWithErrorWrapping(p, ctxt, prop);
          if (buffer.assignParameter(prop, value)) {
            // Every component is in: what follows is Jackson's, as on its own path.
            p.nextToken();
            Object bean;
            try {
              bean = creator.build(ctxt, buffer);
            } catch (Exception e) {
              bean = wrapInstantiationProblem(e, ctxt);
            }
            p.assignCurrentValue(bean);
            if (bean == null) {
              // A creator may return null: the rest of the object is skipped, as Jackson does.
              _handleNullFromPropsBasedCreator(p, ctxt, unknown, null);
              return null;
            }
            if (unknown != null) {
              bean = handleUnknownProperties(ctxt, bean, unknown);
            }
            return deserialize(p, ctxt, bean);
          }
          next = prop.getCreatorIndex() + 1;
        }
        if (next < props.length) {
          // The next component's name, compared as bytes; anything else is parsed as usual.
          name = p.nextFieldName(names[next]) ? props[next].getName() : fieldName(p);
        } else {
          p.nextToken();
          name = fieldName(p);
        }
      }
      Object bean;
      try {
        bean = creator.build(ctxt, buffer);
      } catch (Exception e) {
        return wrapInstantiationProblem(e, ctxt);
      }
      p.assignCurrentValue(bean);
      if (bean == null) {
        _handleNullFromPropsBasedCreator(null, ctxt, unknown, null);
        return null;
      }
      return unknown != null ? handleUnknownProperties(ctxt, bean, unknown) : bean;
    }

    /** The name at the parser, or null at the object's end. */
    private static String fieldName(JsonParser p) throws IOException {
      return p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    }
  }
}
