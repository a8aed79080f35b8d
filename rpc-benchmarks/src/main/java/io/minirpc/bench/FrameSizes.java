package io.minirpc.bench;

import io.minirpc.bench.model.User;
import io.minirpc.bench.model.Users;
import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.CodecProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The bytes one minirpc {@code getUser} call puts on the wire, worked out from docs/PROTOCOL.md
 * and the codec itself, so the raw-Netty baseline moves exactly as many.
 */
public final class FrameSizes {
  /** Length prefix and fixed header of every frame. */
  private static final int FRAME_OVERHEAD = 4 + 18;
  /** A slot's length prefix. */
  private static final int SLOT = 4;

  private FrameSizes() {}

  /** A codec as a server or client would create it, found the way minirpc finds it. */
  public static Codec codec(String name) {
    for (CodecProvider p : ServiceLoader.load(CodecProvider.class)) {
      if (p.name().equals(name)) {
        return p.create(new CodecContext() {
          @Override
          public Set<Class<?>> allowedClasses() {
            return Set.of();
          }

          @Override
          public int maxFrameSize() {
            return 16 << 20;
          }
        });
      }
    }
    throw new IllegalArgumentException("no codec named " + name);
  }

  static int encodedSize(Codec codec, Type type, Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      codec.writer(type).write(value, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.size();
  }

  /** A getUser request: header with service, method, timeout, no metadata; one long slot. */
  static int getUserRequest(String codecName) {
    int header = 2 + utf8("io.minirpc.bench.model.UserServiceAsync") + 2 + utf8("getUser(long)")
        + 8 + 2;
    return FRAME_OVERHEAD + header + SLOT + encodedSize(codec(codecName), long.class, 42L);
  }

  /** A getUser response: no header; one User slot. */
  static int getUserResponse(String codecName) {
    return FRAME_OVERHEAD + SLOT + encodedSize(codec(codecName), User.class, Users.user(42));
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
