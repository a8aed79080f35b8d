package io.minirpc.codec.kryo;

import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.CodecProvider;

/**
 * The {@code kryo} codec: compact binary, on Kryo 5, with registration required.
 *
 * <p>Only classes the service interfaces' signatures reach, a fixed set of standard JDK value and
 * collection classes, and classes listed in {@code minirpc.codec.allow} can be written or read, and
 * each method slot accepts only what its own declared type reaches. Registration ids come from
 * class names, never from the order in which services were registered, so peers that register
 * services differently still agree. Class names are never read from the wire, every length a
 * payload declares is checked against the bytes that really remain before anything is allocated,
 * and nesting depth is bounded.
 *
 * <p>Put {@code io.minirpc:rpc-codec-binary} on the classpath and set {@code minirpc.codec=kryo}.
 */
public final class KryoCodecProvider implements CodecProvider {
  /** The name users write in {@code minirpc.codec}. */
  public static final String NAME = "kryo";

  /** The codec id written in every frame this codec encodes. */
  public static final byte ID = 2;

  /** Public no-argument constructor, for {@link java.util.ServiceLoader}. */
  public KryoCodecProvider() {}

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
    return "io.minirpc:rpc-codec-binary";
  }

  @Override
  public Codec create(CodecContext context) {
    return new KryoCodec(context);
  }

  @Override
  public String toString() {
    return "KryoCodecProvider(kryo, id 2)";
  }
}
