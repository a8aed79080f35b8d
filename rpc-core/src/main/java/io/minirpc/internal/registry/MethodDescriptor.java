package io.minirpc.internal.registry;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;

/**
 * What both sides know about one remote method, worked out once by reflection: its wire name, the
 * declared generic types of its parameters and result, and whether it is asynchronous. Client and
 * server build these from the same interface, so they agree on names and types.
 */
public final class MethodDescriptor {
  private final Class<?> service;
  private final String serviceName;
  private final Method method;
  private final String key;
  private final String displayName;
  private final Type[] parameterTypes;
  /** The erased parameter types, looked up once: reflection clones them at every ask. */
  private final Class<?>[] parameterClasses;
  private final Type resultType;
  private final boolean async;
  /** {@code T} of a result {@code Flow.Publisher<T>}: the items of a server stream; or null. */
  private final Type itemType;
  /** The index of the {@code Flow.Publisher<T>} parameter, the client's stream; or -1. */
  private final int inputIndex;
  /** {@code T} of that parameter: the items the client streams; or null. */
  private final Type inputItemType;

  private MethodDescriptor(Class<?> service, Method method, boolean async, Type resultType,
      Type itemType, int inputIndex, Type inputItemType) {
    this.service = service;
    this.serviceName = service.getName();
    this.method = method;
    this.key = keyOf(method);
    this.displayName = serviceName + "." + key;
    this.parameterTypes = method.getGenericParameterTypes();
    this.parameterClasses = method.getParameterTypes();
    this.resultType = resultType;
    this.async = async;
    this.itemType = itemType;
    this.inputIndex = inputIndex;
    this.inputItemType = inputItemType;
  }

  private MethodDescriptor(String serviceName, String key, Type[] parameterTypes,
      Type resultType, Type itemType) {
    this.service = ByName.class;
    this.serviceName = serviceName;
    try {
      this.method = ByName.class.getMethod("call");
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
    this.key = key;
    this.displayName = serviceName + "." + key;
    this.parameterTypes = parameterTypes.clone();
    this.parameterClasses = method.getParameterTypes();
    this.resultType = resultType;
    this.async = false;
    this.itemType = itemType;
    this.inputIndex = -1;
    this.inputItemType = null;
  }

  /**
   * A method known only by its wire names, for a tool that calls without the Java interface
   * ({@code minirpc call}): its values are read and written as {@code parameterTypes} and {@code
   * resultType} (for the JSON codec, {@code JsonNode}), it declares no exception, and {@link
   * #method()} is a stand-in without annotations.
   */
  public static MethodDescriptor byName(String serviceName, String key, Type[] parameterTypes,
      Type resultType) {
    java.util.Objects.requireNonNull(serviceName, "serviceName == null");
    java.util.Objects.requireNonNull(key, "key == null");
    return new MethodDescriptor(serviceName, key, parameterTypes, resultType, null);
  }

  /**
   * As {@link #byName}, for a method that streams from the server: its items are read and
   * written as {@code itemType}.
   */
  public static MethodDescriptor streamByName(String serviceName, String key,
      Type[] parameterTypes, Type itemType) {
    java.util.Objects.requireNonNull(serviceName, "serviceName == null");
    java.util.Objects.requireNonNull(key, "key == null");
    java.util.Objects.requireNonNull(itemType, "itemType == null");
    return new MethodDescriptor(serviceName, key, parameterTypes, Flow.Publisher.class,
        itemType);
  }

  /** The stand-in interface of methods known by name only. */
  private interface ByName {
    Object call();
  }

  /**
   * The remote methods of {@code service}, sorted by key: every abstract method, which excludes
   * default and static methods (they run locally) and the methods of {@code Object}.
   *
   * @throws IllegalArgumentException if {@code service} is not an interface, has no remote method,
   *     or a signature cannot be sent (type variables, raw futures), naming the method
   */
  public static List<MethodDescriptor> forService(Class<?> service) {
    if (!service.isInterface() || service.isAnnotation()) {
      throw new IllegalArgumentException(
          service.getName() + " is not an interface: minirpc services are plain Java interfaces");
    }
    Map<String, MethodDescriptor> byKey = new HashMap<>();
    for (Method m : service.getMethods()) {
      if (!isRemote(m)) {
        continue;
      }
      MethodDescriptor d = create(service, m);
      // An interface can inherit the same signature from two parents; one is enough.
      byKey.putIfAbsent(d.key, d);
    }
    if (byKey.isEmpty()) {
      throw new IllegalArgumentException(
          service.getName() + " declares no abstract methods, so there is nothing to call remotely");
    }
    List<MethodDescriptor> out = new ArrayList<>(byKey.values());
    out.sort(Comparator.comparing(MethodDescriptor::key));
    return out;
  }

  /** Whether {@code m} is called remotely (true) or runs locally on the client (false). */
  public static boolean isRemote(Method m) {
    int mod = m.getModifiers();
    if (Modifier.isStatic(mod) || m.isDefault() || m.isSynthetic() || m.isBridge()) {
      return false;
    }
    return !isObjectMethod(m);
  }

  /** Whether {@code m} has the signature of a public method of {@code Object}. */
  public static boolean isObjectMethod(Method m) {
    try {
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static MethodDescriptor create(Class<?> service, Method m) {
    String where = service.getName() + "." + keyOf(m);
    Type[] params = m.getGenericParameterTypes();
    for (int i = 0; i < params.length; i++) {
      checkConcrete(params[i], where, "parameter " + (i + 1));
    }
    Type returnType = m.getGenericReturnType();
    Class<?> raw = m.getReturnType();
    int input = -1;
    Class<?>[] classes = m.getParameterTypes();
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] == Flow.Publisher.class) {
        if (input >= 0) {
          throw new IllegalArgumentException(where + " takes two Flow.Publisher parameters: a"
              + " call carries one stream from the client; take one, of a type that holds both");
        }
        input = i;
      }
    }
    Type inputItem = input < 0 ? null : itemOf(params[input], where, "parameter " + (input + 1),
        "the client's stream's items");
    if (raw == Flow.Publisher.class) {
      Type item = itemOf(returnType, where, "the result", "the stream's items");
      return new MethodDescriptor(service, m, false, returnType, item, input, inputItem);
    }
    if (raw == CompletableFuture.class || raw == CompletionStage.class) {
      if (!(returnType instanceof ParameterizedType)) {
        throw new IllegalArgumentException(
            where
                + " returns a raw "
                + raw.getSimpleName()
                + ": declare the result type, for example "
                + raw.getSimpleName()
                + "<String>, or "
                + raw.getSimpleName()
                + "<Void> for no result");
      }
      Type result = ((ParameterizedType) returnType).getActualTypeArguments()[0];
      if (result instanceof WildcardType) {
        result = upperBound((WildcardType) result, where);
      }
      checkConcrete(result, where, "the result");
      return new MethodDescriptor(service, m, true, result, null, input, inputItem);
    }
    if (Future.class.isAssignableFrom(raw)) {
      throw new IllegalArgumentException(
          where
              + " returns "
              + raw.getName()
              + ": asynchronous methods must return CompletableFuture<T> or CompletionStage<T>");
    }
    checkConcrete(returnType, where, "the result");
    return new MethodDescriptor(service, m, false, returnType, null, input, inputItem);
  }

  /** {@code T} of {@code publisher}, a {@code Flow.Publisher<T>}, checked to be decodable. */
  private static Type itemOf(Type publisher, String where, String what, String items) {
    if (!(publisher instanceof ParameterizedType)) {
      throw new IllegalArgumentException(where + ": " + what + " is a raw Flow.Publisher:"
          + " declare the type of its items, for example Flow.Publisher<String>");
    }
    Type item = ((ParameterizedType) publisher).getActualTypeArguments()[0];
    if (item instanceof WildcardType) {
      item = upperBound((WildcardType) item, where);
    }
    checkConcrete(item, where, items);
    return item;
  }

  private static Type upperBound(WildcardType w, String where) {
    if (w.getLowerBounds().length > 0) {
      throw new IllegalArgumentException(
          where + " uses " + w + ": lower-bounded wildcards cannot be decoded; declare a type");
    }
    return w.getUpperBounds()[0];
  }

  private static void checkConcrete(Type type, String where, String what) {
    if (type instanceof TypeVariable) {
      throw new IllegalArgumentException(
          where
              + ": "
              + what
              + " has type variable "
              + type.getTypeName()
              + ". Both sides decode by the declared type, so declare a concrete type instead");
    }
    if (type instanceof ParameterizedType) {
      for (Type arg : ((ParameterizedType) type).getActualTypeArguments()) {
        checkConcrete(arg, where, what);
      }
    } else if (type instanceof GenericArrayType) {
      checkConcrete(((GenericArrayType) type).getGenericComponentType(), where, what);
    } else if (type instanceof WildcardType) {
      WildcardType w = (WildcardType) type;
      if (w.getLowerBounds().length > 0) {
        throw new IllegalArgumentException(
            where
                + ": "
                + what
                + " uses "
                + w
                + ". Lower-bounded wildcards cannot be decoded; declare a concrete type");
      }
      for (Type bound : w.getUpperBounds()) {
        checkConcrete(bound, where, what);
      }
    }
  }

  /** The wire name of a method: its name and erased parameter types, {@code add(int,int)}. */
  public static String keyOf(Method m) {
    StringBuilder sb = new StringBuilder(m.getName()).append('(');
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(types[i].getTypeName());
    }
    return sb.append(')').toString();
  }

  /** The interface. */
  public Class<?> service() {
    return service;
  }

  /** The interface's wire name: its binary class name. */
  public String serviceName() {
    return serviceName;
  }

  public Method method() {
    return method;
  }

  /** The method's wire name, {@code add(int,int)}. */
  public String key() {
    return key;
  }

  /** {@code com.example.Calculator.add(int,int)}, for messages. */
  public String displayName() {
    return displayName;
  }

  public int parameterCount() {
    return parameterTypes.length;
  }

  public Type parameterType(int i) {
    return parameterTypes[i];
  }

  /**
   * The declared parameter classes, for checks that need the erased type. The array is shared:
   * read it, never change it.
   */
  public Class<?>[] parameterClasses() {
    return parameterClasses;
  }

  /**
   * The type the codec reads and writes for the result: the return type, or {@code T} of a {@code
   * CompletableFuture<T>}; {@code void.class} or {@code Void.class} for none.
   */
  public Type resultType() {
    return resultType;
  }

  /** Whether the method returns a CompletableFuture or CompletionStage. */
  public boolean isAsync() {
    return async;
  }

  /** Whether the method returns nothing: {@code void}, or a future of {@code Void}. */
  public boolean isVoid() {
    return resultType == void.class || resultType == Void.class;
  }

  /**
   * Whether the method streams from server to client: it returns {@code Flow.Publisher<T>}, its
   * items go one ITEM frame each, and its RESPONSE, with the null slot, ends the stream.
   */
  public boolean streams() {
    return itemType != null;
  }

  /** {@code T} of a server stream's {@code Flow.Publisher<T>}, or null if the method streams not. */
  public Type itemType() {
    return itemType;
  }

  /**
   * Whether the client streams to the server: the method takes a {@code Flow.Publisher<T>},
   * whose items go one ITEM frame each within the server's credit, ended by an END frame; its
   * slot in the request is empty.
   */
  public boolean inputStreams() {
    return inputIndex >= 0;
  }

  /** The index of the {@code Flow.Publisher<T>} parameter, or -1 if the client streams not. */
  public int inputIndex() {
    return inputIndex;
  }

  /** {@code T} of the {@code Flow.Publisher<T>} parameter, or null if the client streams not. */
  public Type inputItemType() {
    return inputItemType;
  }

  /** Whether a RESPONSE carries no value: the method returns nothing, or a stream (ended). */
  public boolean answersNothing() {
    return isVoid() || streams();
  }

  /** Whether the result is a primitive, which can never be null. */
  public boolean isPrimitiveResult() {
    return resultType instanceof Class && ((Class<?>) resultType).isPrimitive() && !isVoid();
  }

  /** Whether the method declares, in its throws clause, that it may throw {@code exceptionClass}. */
  public boolean declares(Class<?> exceptionClass) {
    for (Class<?> declared : method.getExceptionTypes()) {
      if (declared.isAssignableFrom(exceptionClass)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return displayName;
  }
}
