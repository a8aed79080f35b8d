package io.minirpc.listing;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;

/**
 * Generic types built by substituting a class's type variables with the arguments a use of it
 * gives, as {@link JsonSchemas} does to describe the fields of {@code Page<User>}.
 */
final class SubstitutedType {
  private SubstitutedType() {}

  /** A parameterized type built by substitution. */
  static final class Parameterized implements ParameterizedType {
    private final Class<?> raw;
    private final Type[] args;

    Parameterized(Class<?> raw, Type[] args) {
      this.raw = raw;
      this.args = args;
    }

    @Override
    public Type[] getActualTypeArguments() {
      return args.clone();
    }

    @Override
    public Type getRawType() {
      return raw;
    }

    @Override
    public Type getOwnerType() {
      return null;
    }

    @Override
    public String toString() {
      return raw.getName() + Arrays.toString(args);
    }
  }

  /** An array of a parameterized type, built by substitution. */
  static final class ArrayOf implements GenericArrayType {
    private final Type component;

    ArrayOf(Type component) {
      this.component = component;
    }

    @Override
    public Type getGenericComponentType() {
      return component;
    }
  }
}
