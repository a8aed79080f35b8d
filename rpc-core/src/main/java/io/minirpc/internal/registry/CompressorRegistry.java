package io.minirpc.internal.registry;

import io.minirpc.Compress;
import io.minirpc.compression.Compressor;
import io.minirpc.internal.config.Suggestions;
import io.minirpc.internal.compression.Gzip;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compressors this JVM has: {@code gzip}, built in, and those found once with {@link
 * ServiceLoader}. Two with the same name or id are a packaging error and fail loudly, naming both
 * classes.
 */
public final class CompressorRegistry {
  /** Where the compressors that ship with minirpc live, for "add this artifact" messages. */
  private static final Map<String, String> KNOWN_ARTIFACTS =
      Map.of("lz4", "io.minirpc:rpc-compression-lz4");

  private static volatile CompressorRegistry installed;

  private final Map<String, Compressor> byName;
  private final Compressor[] byId = new Compressor[256];

  CompressorRegistry(Iterable<Compressor> found) {
    Map<String, Compressor> names = new LinkedHashMap<>();
    List<Compressor> all = new ArrayList<>();
    all.add(Gzip.INSTANCE);
    found.forEach(all::add);
    for (Compressor c : all) {
      String name = c.name();
      if (name == null || name.isEmpty() || name.equals(Compress.NONE)) {
        throw new IllegalStateException("The compressor " + c.getClass().getName() + " is named '"
            + name + "', which is reserved");
      }
      Compressor sameName = names.get(name);
      if (sameName != null) {
        throw new IllegalStateException("Two compressors are named '" + name + "': "
            + sameName.getClass().getName() + " and " + c.getClass().getName()
            + ". Remove one of them from the classpath.");
      }
      int id = c.id();
      if (id < 1 || id > 255) {
        throw new IllegalStateException("The compressor '" + name + "' ("
            + c.getClass().getName() + ") has id " + id + "; ids run from 1 to 255");
      }
      if (byId[id] != null) {
        throw new IllegalStateException("The compressors '" + byId[id].name() + "' ("
            + byId[id].getClass().getName() + ") and '" + name + "' (" + c.getClass().getName()
            + ") both use id " + id + ". Compressor ids must be unique.");
      }
      byId[id] = c;
      names.put(name, c);
    }
    this.byName = Collections.unmodifiableMap(names);
  }

  /** The compressors of this JVM, loaded on first use. */
  public static CompressorRegistry installed() {
    CompressorRegistry r = installed;
    if (r == null) {
      synchronized (CompressorRegistry.class) {
        r = installed;
        if (r == null) {
          r = new CompressorRegistry(Installed.load(Compressor.class, "compressor"));
          installed = r;
        }
      }
    }
    return r;
  }

  /**
   * The {@code @Compress} of {@code d}'s method, else of its interface (the proxied one, then the
   * declaring one); null if none has one.
   */
  public static Compress annotation(MethodDescriptor d) {
    Compress a = d.method().getAnnotation(Compress.class);
    if (a == null) {
      a = d.service().getAnnotation(Compress.class);
    }
    if (a == null) {
      a = d.method().getDeclaringClass().getAnnotation(Compress.class);
    }
    return a;
  }

  /**
   * The compressor {@code d}'s {@code @Compress} names, null for {@link Compress#NONE}, or {@code
   * otherwise} if it has none.
   *
   * @throws IllegalArgumentException if it names a compressor that is not installed
   */
  public Compressor forMethod(MethodDescriptor d, Compressor otherwise) {
    Compress a = annotation(d);
    return a == null ? otherwise
        : named(a.value().trim().toLowerCase(java.util.Locale.ROOT),
            d.displayName() + "'s @Compress");
  }

  /** Every compressor, gzip first. */
  public List<Compressor> all() {
    return List.copyOf(byName.values());
  }

  /** The compressor with this wire id, or {@code null}. */
  public Compressor byId(int id) {
    return id < 1 || id > 255 ? null : byId[id];
  }

  /**
   * The compressor named {@code name}, or {@code null} for {@code "none"}.
   *
   * @param where what named it, for the message: {@code "minirpc.compression"}, or a method
   * @throws IllegalArgumentException naming the installed compressors and the artifact to add
   */
  public Compressor named(String name, String where) {
    if (name.equals(Compress.NONE)) {
      return null;
    }
    Compressor c = byName.get(name);
    if (c != null) {
      return c;
    }
    StringBuilder msg = new StringBuilder(where).append(" names compressor '").append(name)
        .append("', which is not installed (installed: none, ")
        .append(String.join(", ", byName.keySet())).append("). ");
    String artifact = KNOWN_ARTIFACTS.get(name);
    if (artifact == null) {
      List<String> candidates = new ArrayList<>(byName.keySet());
      candidates.addAll(KNOWN_ARTIFACTS.keySet());
      candidates.add(Compress.NONE);
      String near = Suggestions.closest(name, candidates).orElse(null);
      if (near != null && (byName.containsKey(near) || near.equals(Compress.NONE))) {
        // Installed already (gzip is built in): the name was mistyped, nothing is missing.
        throw new IllegalArgumentException(msg.append("Did you mean '").append(near)
            .append("'?").toString());
      }
      if (near != null) {
        msg.append("Did you mean '").append(near).append("'? ");
      }
      artifact = near == null ? null : KNOWN_ARTIFACTS.get(near);
    }
    if (artifact != null) {
      msg.append("Add ").append(artifact).append(" to the classpath of both client and server");
    } else {
      msg.append("Add the artifact that provides it to the classpath of both client and server");
    }
    throw new IllegalArgumentException(msg.append('.').toString());
  }
}
