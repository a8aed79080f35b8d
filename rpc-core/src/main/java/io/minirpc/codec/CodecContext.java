package io.minirpc.codec;

import java.util.Set;

/** What a {@link CodecProvider} learns from the configuration of the client or server. */
public interface CodecContext {

  /**
   * Classes the user explicitly allowed in configuration ({@code minirpc.codec.allow}), beyond
   * those reached by the service interfaces' signatures. A codec that writes class identities on
   * the wire, such as Kryo, accepts these and no other application classes; a codec that never
   * reads class names, such as JSON, may ignore them. Unmodifiable.
   */
  Set<Class<?>> allowedClasses();

  /**
   * The largest frame, in bytes, that the client or server accepts ({@code
   * minirpc.maxFrameSize}); no single value can be larger, so a codec may use it to bound what it
   * allocates.
   */
  int maxFrameSize();
}
