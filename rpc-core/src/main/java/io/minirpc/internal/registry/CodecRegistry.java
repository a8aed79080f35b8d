package io.minirpc.internal.registry;

import io.minirpc.codec.CodecProvider;
import io.minirpc.internal.config.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The codecs installed on the classpath, found once with {@link ServiceLoader}. Two providers with
 * the same name or id are a packaging error and fail loudly, naming both classes.
 */
public final class CodecRegistry {
  /** Where the codecs that ship with minirpc live, for "add this artifact" messages. */
  private static final Map<String, String> KNOWN_ARTIFACTS =
      Map.of("json", "io.minirpc:rpc-codec-json", "kryo", "io.minirpc:rpc-codec-binary");

  private static volatile CodecRegistry installed;

  private final Map<String, CodecProvider> byName;

  CodecRegistry(Iterable<CodecProvider> providers) {
    Map<String, CodecProvider> names = new LinkedHashMap<>();
    CodecProvider[] ids = new CodecProvider[256];
    for (CodecProvider p : providers) {
      String name = p.name();
      CodecProvider sameName = names.get(name);
      if (sameName != null) {
        throw new IllegalStateException(
            "Two codecs are named '"
                + name
                + "': "
                + sameName.getClass().getName()
                + " and "
                + p.getClass().getName()
                + ". Remove one of them from the classpath.");
      }
      int id = p.id() & 0xFF;
      if (id == 0) {
        throw new IllegalStateException(
            "Codec '" + name + "' (" + p.getClass().getName() + ") uses id 0, which is reserved");
      }
      if (ids[id] != null) {
        throw new IllegalStateException(
            "Codecs '"
                + ids[id].name()
                + "' ("
                + ids[id].getClass().getName()
                + ") and '"
                + name
                + "' ("
                + p.getClass().getName()
                + ") both use id "
                + id
                + ". Codec ids must be unique.");
      }
      ids[id] = p;
      names.put(name, p);
    }
    this.byName = Collections.unmodifiableMap(names);
  }

  /** The codecs on the classpath, loaded on first use. */
  public static CodecRegistry installed() {
    CodecRegistry r = installed;
    if (r == null) {
      synchronized (CodecRegistry.class) {
        r = installed;
        if (r == null) {
          r = new CodecRegistry(Installed.load(CodecProvider.class, "codec provider"));
          installed = r;
        }
      }
    }
    return r;
  }

  /** The installed codec names, in discovery order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * The provider named {@code name}.
   *
   * @throws IllegalStateException naming the installed codecs and the artifact to add
   */
  public CodecProvider provider(String name) {
    CodecProvider p = byName.get(name);
    if (p != null) {
      return p;
    }
    String installedList = byName.isEmpty() ? "none" : String.join(", ", byName.keySet());
    String artifact = KNOWN_ARTIFACTS.get(name);
    StringBuilder msg =
        new StringBuilder("No codec named '")
            .append(name)
            .append("' is installed (installed: ")
            .append(installedList)
            .append(")");
    if (artifact == null) {
      // A typo of an installed codec needs no artifact; one of a codec minirpc ships may.
      List<String> candidates = new ArrayList<>(byName.keySet());
      candidates.addAll(new java.util.TreeSet<>(KNOWN_ARTIFACTS.keySet()));
      String near = Suggestions.closest(name, candidates).orElse(null);
      if (near != null && byName.containsKey(near)) {
        return fail(msg.append(": did you mean '").append(near).append("'?").toString());
      }
      if (near != null) {
        msg.append(": did you mean '").append(near).append("'? ");
        name = near;
        artifact = KNOWN_ARTIFACTS.get(near);
      } else {
        msg.append(". ");
      }
    } else {
      msg.append(". ");
    }
    if (artifact != null) {
      msg.append("Add ").append(artifact).append(" to the classpath");
    } else {
      msg.append("Add the artifact that provides codec '").append(name).append("' to the classpath");
    }
    if (!byName.isEmpty()) {
      msg.append(", or set minirpc.codec=").append(byName.keySet().iterator().next());
    }
    return fail(msg.append('.').toString());
  }

  /**
   * The codec a client uses when none is configured: the only one installed, or {@code json} when
   * several are.
   */
  public String defaultName() {
    if (byName.size() == 1) {
      return byName.keySet().iterator().next();
    }
    if (byName.isEmpty()) {
      return fail(
          "No codec is installed. Add io.minirpc:rpc-codec-json or io.minirpc:rpc-codec-binary to"
              + " the classpath.");
    }
    return byName.containsKey("json") ? "json" : byName.keySet().iterator().next();
  }

  private static <T> T fail(String message) {
    throw new IllegalStateException(message);
  }
}
