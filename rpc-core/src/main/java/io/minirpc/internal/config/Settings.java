package io.minirpc.internal.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a builder of {@code RpcClient} or {@code RpcServer} has been told so far: values by {@link
 * Key}, from {@link #apply(Properties)} and from builder calls, whichever came later. {@code
 * build()} freezes it into a {@link ClientConfig} or {@link ServerConfig}. Not thread-safe, like
 * the builders.
 *
 * <p>An unknown {@code minirpc.*} key is an error naming the nearest known key, because a misspelt
 * key silently ignored is worse than a failed start.
 */
public final class Settings {
  private static final Logger log = LoggerFactory.getLogger(Settings.class);
  /** The longest metadata key or value a frame header carries (docs/PROTOCOL.md: a string). */

  private final Map<Key<?>, Object> values = new HashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final Map<String, Double> rateLimits = new LinkedHashMap<>();
  private final List<Class<?>> allowedClasses = new ArrayList<>();
  /** An SslContext given to a builder, or null. */
  private io.netty.handler.ssl.SslContext sslContext;

  /** Sets {@code key}, checking the value as the key demands. */
  public <T> Settings set(Key<T> key, T value) {
    values.put(key, key.check(value));
    return this;
  }

  /**
   * Sets the key named {@code name} that {@code side} reads (its own, or one both sides read) to
   * {@code value}, checked as {@link #set} checks it: the builders' setters come here by name.
   *
   * @throws IllegalStateException if no such key exists or {@code value} is not of its type: a
   *     builder method out of step with the table, which BuildersFollowTheKeyTableTest catches
   */
  public void setNamed(String name, Side side, Object value) {
    Key<Object> key = keyOf(name, side);
    Object def = key.defaultValue();
    Class<?> type = def instanceof List ? List.class : def instanceof Map ? Map.class
        : def == null ? Object.class : def.getClass();
    if (value != null && !type.isInstance(value)) {
      throw new IllegalStateException(name + " takes a " + type.getSimpleName() + ", not a "
          + value.getClass().getSimpleName());
    }
    set(key, value);
  }

  /** Sets the key named {@code name} that {@code side} reads from its text, as Properties do. */
  public void parseNamed(String name, Side side, String text) {
    Key<Object> key = keyOf(name, side);
    set(key, key.parse(text));
  }

  @SuppressWarnings("unchecked") // set() checks the value; setNamed() its class
  private static Key<Object> keyOf(String name, Side side) {
    for (Key<?> k : KeyTable.named(name)) {
      if (k.side() == side || k.side() == Side.BOTH) {
        return (Key<Object>) k;
      }
    }
    throw new IllegalStateException("No setting " + name + " for the " + side + " side");
  }

  /** The value of {@code key}: the last one set, or its default. */
  @SuppressWarnings("unchecked") // set() only stores a T under a Key<T>
  public <T> T get(Key<T> key) {
    return values.containsKey(key) ? (T) values.get(key) : key.defaultValue();
  }

  /**
   * Applies every {@code minirpc.*} key found in {@code properties}; other keys are ignored, so
   * {@code System.getProperties()} can be passed as is.
   *
   * @throws IllegalArgumentException for an unknown {@code minirpc.*} key, suggesting the nearest
   *     known one, or for a bad value, naming the key
   */
  public void apply(Properties properties) {
    Objects.requireNonNull(properties, "properties == null");
    for (String name : properties.stringPropertyNames()) {
      if (name.startsWith("minirpc.") && alias(name) == null) {
        apply(name, properties.getProperty(name));
      }
    }
    // After the keys, so that when a file has both names the new one wins whatever the order.
    for (String name : properties.stringPropertyNames()) {
      Keys.Alias a = alias(name);
      if (a == null) {
        continue;
      }
      boolean v = ValueType.BOOLEAN.parse(name, properties.getProperty(name));
      boolean target = a.inverted() != v;
      if (properties.getProperty(a.target().name()) != null) {
        log.warn("{} is deprecated, and ignored because {} is set too: remove {}", name,
            a.target().name(), name);
      } else {
        log.warn("{} is deprecated: use {}={} instead ({}={} means the same)", name,
            a.target().name(), target, name, v);
        set(a.target(), target);
      }
    }
  }

  private static Keys.Alias alias(String name) {
    for (Object e : KeyTable.entries()) {
      if (e instanceof Keys.Alias a && a.name().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private void apply(String name, String value) {
    List<Key<?>> keys = KeyTable.named(name);
    if (!keys.isEmpty()) {
      for (Key<?> key : keys) {
        parseInto(key, value);
      }
      return;
    }
    if (name.startsWith(ServerKeys.RATE_LIMIT_PREFIX)) {
      rateLimit(name.substring(ServerKeys.RATE_LIMIT_PREFIX.length()),
          ValueType.RATE.parse(name, value));
      return;
    }
    if (name.startsWith(Keys.METADATA.prefix())) {
      metadata(name.substring(Keys.METADATA.prefix().length()), value);
      return;
    }
    throw new IllegalArgumentException(unknown(name, value));
  }

  private <T> void parseInto(Key<T> key, String value) {
    values.put(key, key.parse(value));
  }

  /** "Unknown setting minirpc.timout=5s: did you mean minirpc.timeout? (known keys: ...)". */
  static String unknown(String name, String value) {
    List<String> candidates = new ArrayList<>();
    for (Object e : KeyTable.entries()) {
      if (e instanceof Key<?> k) {
        candidates.add(k.name());
      } else if (e instanceof Keys.Alias a) {
        candidates.add(a.name());
      }
    }
    Optional<String> near = Suggestions.closest(name, candidates);
    return "Unknown setting " + name + "=" + value
        + near.map(n -> ": did you mean " + n + "?").orElse("")
        + " (known keys: " + String.join(", ", KeyTable.names()) + ")";
  }

  /** Adds one metadata entry sent with every call; a later value for the same key replaces it. */
  public void metadata(String key, String value) {
    io.minirpc.runtime.OutgoingMetadata.check(key, value);
    metadata.put(key, value);
  }

  /**
   * Limits {@code target} to {@code perSecond} calls per second: a service's binary name, or
   * {@code service#method} for the methods of that name (or {@code service#method(int,int)} for
   * one overload).
   */
  public void rateLimit(String target, double perSecond) {
    Objects.requireNonNull(target, "rate limit target == null");
    if (target.isBlank()) {
      throw new IllegalArgumentException("rate limit target is empty");
    }
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException(
          "rate limit of " + target + " (" + perSecond + ") must be a positive number");
    }
    rateLimits.put(target.trim(), perSecond);
  }

  /** Classes a codec may decode beyond those the signatures reach; added to {@link Keys#ALLOW}. */
  public void allowClasses(Class<?>... classes) {
    Objects.requireNonNull(classes, "classes == null");
    for (Class<?> c : classes) {
      allowedClasses.add(Objects.requireNonNull(c, "class == null"));
    }
  }

  /** Every key's value, defaults included, frozen: what a config reads. */
  private Map<Key<?>, Object> values() {
    Map<Key<?>, Object> all = new HashMap<>();
    for (Object e : KeyTable.entries()) {
      if (e instanceof Key<?> k) {
        all.put(k, get(k));
      }
    }
    return java.util.Collections.unmodifiableMap(all);
  }

  /** The client's settings, frozen. */
  public ClientConfig client() {
    return new ClientConfig(values(), allowedClasses, metadata,
        tls(Side.CLIENT, get(Keys.TLS_HOSTNAME_VERIFICATION), TlsConfig.ClientAuthMode.NONE));
  }

  /** The server's settings, frozen. */
  public ServerConfig server() {
    return new ServerConfig(values(), allowedClasses, rateLimits,
        tls(Side.SERVER, false, get(ServerKeys.TLS_CLIENT_AUTH)));
  }

  /** A certificate chain and its key, PEM files, for either side's builder. */
  public void tlsCertificate(java.nio.file.Path certChain, java.nio.file.Path privateKey) {
    java.util.Objects.requireNonNull(certChain, "certChain == null");
    java.util.Objects.requireNonNull(privateKey, "privateKey == null");
    set(Keys.TLS_CERT_CHAIN, certChain.toString());
    set(Keys.TLS_PRIVATE_KEY, privateKey.toString());
  }

  /** The CAs to trust, a PEM file, for either side's builder. */
  public void tlsTrustedCertificates(java.nio.file.Path caCertificates) {
    java.util.Objects.requireNonNull(caCertificates, "caCertificates == null");
    set(Keys.TLS_TRUSTED_CERTS, caCertificates.toString());
  }

  /** An SslContext given to a builder: it turns TLS on and wins over the PEM keys. */
  public void sslContext(io.netty.handler.ssl.SslContext context) {
    this.sslContext = java.util.Objects.requireNonNull(context, "sslContext == null");
  }

  /**
   * @throws IllegalArgumentException if TLS is off but a {@code minirpc.tls.*} setting of this
   *     side asks for something TLS does
   */
  private TlsConfig tls(Side side, boolean hostnameVerification,
      TlsConfig.ClientAuthMode clientAuth) {
    TlsConfig tls = new TlsConfig(get(Keys.TLS), get(Keys.TLS_CERT_CHAIN),
        get(Keys.TLS_PRIVATE_KEY), get(Keys.TLS_TRUSTED_CERTS), clientAuth, hostnameVerification,
        sslContext);
    if (!tls.on()) {
      // Refused rather than taken to mean TLS: TLS on one side only fails every connection, and
      // a file that asks for TLS while minirpc.tls=false has two answers; the user picks one.
      List<String> set = new ArrayList<>();
      for (Key<?> key : List.of(Keys.TLS_CERT_CHAIN, Keys.TLS_PRIVATE_KEY,
          Keys.TLS_TRUSTED_CERTS, ServerKeys.TLS_CLIENT_AUTH, Keys.TLS_HOSTNAME_VERIFICATION)) {
        Object value = values.get(key);
        if (value != null && !value.equals(key.defaultValue())
            && (key.side() == Side.BOTH || key.side() == side)) {
          set.add(key.name() + "=" + (value instanceof Enum<?> e
              ? e.name().toLowerCase(java.util.Locale.ROOT) : value));
        }
      }
      if (!set.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", set) + (set.size() == 1 ? " is"
            : " are") + " set, but TLS is off (" + Keys.TLS.name() + "=false), so connections"
            + " would be plaintext: set " + Keys.TLS.name() + "=true (tls(true)) to use TLS, or"
            + " remove " + (set.size() == 1 ? "it" : "them"));
      }
    }
    return tls;
  }
}
