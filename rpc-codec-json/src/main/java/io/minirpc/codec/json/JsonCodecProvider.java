package io.minirpc.codec.json;

import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.CodecProvider;

/**
 * The {@code json} codec: values as JSON text, on Jackson.
 *
 * <p>Readable on the wire and tolerant of nothing: decoding is typed by the declared parameter and
 * return types, so the bytes never choose a class. Default typing is never enabled, and a class
 * named by {@code @JsonTypeInfo(use = CLASS)} in a user type is refused before it is loaded unless
 * it is listed in {@code minirpc.codec.allow}. Trailing tokens, {@code null} for primitives,
 * unknown properties and coercions between scalar kinds (a string where a number belongs) are
 * errors, and Jackson's read limits bound nesting depth, number length and string length.
 *
 * <p>Put {@code io.minirpc:rpc-codec-json} on the classpath and set {@code minirpc.codec=json}.
 */
public final class JsonCodecProvider implements CodecProvider {
  /** The name users write in {@code minirpc.codec}. */
  public static final String NAME = "json";

  /** The codec id written in every frame this codec encodes. */
  public static final byte ID = 1;

  /** Public no-argument constructor, for {@link java.util.ServiceLoader}. */
  public JsonCodecProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public String artifact() {
    return "io.minirpc:rpc-codec-json";
  }

  @Override
  public Codec create(CodecContext context) {
    return new JsonCodec(context);
  }

  @Override
  public String toString() {
    return "JsonCodecProvider(json, id 1)";
  }
}
