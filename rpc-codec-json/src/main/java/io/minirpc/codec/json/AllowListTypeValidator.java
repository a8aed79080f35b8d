package io.minirpc.codec.json;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import java.util.HashSet;
import java.util.Set;

/**
 * Lets a class-name type id ({@code @JsonTypeInfo(use = CLASS)}) through only when it names a class
 * the user allowed in {@code minirpc.codec.allow}. The name is checked before anything is loaded,
 * so a payload cannot even probe which classes exist: an unknown name and a refused one fail the
 * same way. Type ids by logical name ({@code use = NAME} with {@code @JsonSubTypes}) do not pass
 * through here; the subtypes they may pick are the ones the type itself lists.
 */
final class AllowListTypeValidator extends PolymorphicTypeValidator.Base {
  private static final long serialVersionUID = 1L;

  private final Set<String> allowedNames = new HashSet<>();
  private final transient Set<Class<?>> allowed;

  AllowListTypeValidator(Set<Class<?>> allowed) {
    this.allowed = Set.copyOf(allowed);
    for (Class<?> c : allowed) {
      allowedNames.add(c.getName());
    }
  }

  @Override
  public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
    return Validity.INDETERMINATE;
  }

  @Override
  public Validity validateSubClassName(
      MapperConfig<?> config, JavaType baseType, String subClassName) {
    return allowedNames.contains(subClassName) ? Validity.ALLOWED : Validity.DENIED;
  }

  @Override
  public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
    return allowed.contains(subType.getRawClass()) ? Validity.ALLOWED : Validity.DENIED;
  }
}
