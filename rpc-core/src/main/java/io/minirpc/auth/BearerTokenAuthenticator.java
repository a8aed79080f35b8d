package io.minirpc.auth;

import io.minirpc.Authenticator;
import io.minirpc.RpcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Accepts calls that carry a known bearer token in their metadata, {@code authorization: Bearer
 * <token>}, each token allowed every service or a list of them. Clients send it with {@code
 * minirpc.metadata.authorization=Bearer <token>} (or {@code RpcClient.Builder.metadata}).
 *
 * <pre>{@code
 * Authenticator auth = BearerTokenAuthenticator.builder()
 *     .token(adminToken)                               // every service
 *     .token(reportingToken, "com.example.Reports")   // this service only
 *     .build();
 * }</pre>
 *
 * <p>Tokens are kept as SHA-256 digests, never logged and never echoed: a call without a token or
 * with an unknown one fails with {@code UNAUTHENTICATED}, one whose token does not allow the
 * service with {@code PERMISSION_DENIED}, and neither message contains the token. A known token
 * in the client's static metadata also authenticates its connections' handshakes, so that they
 * see the server's services (those the token allows, and health), and lets it call the
 * built-in {@link io.minirpc.health.Health} service, so that a token limited to some services need
 * not list it.
 */
public final class BearerTokenAuthenticator implements Authenticator {
  /** The metadata key the token travels in. */
  public static final String METADATA_KEY = "authorization";
  private static final String SCHEME = "Bearer ";
  private static final String HEALTH = io.minirpc.health.Health.class.getName();

  /** Token digest → services it allows; an empty set allows every service. */
  private final Map<Digest, Set<String>> tokens;

  private BearerTokenAuthenticator(Map<Digest, Set<String>> tokens) {
    this.tokens = Map.copyOf(tokens);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Tokens from a file, one a line: the token, then optionally the services it allows, separated
   * by spaces or commas; blank lines and lines starting with {@code #} are skipped.
   *
   * @throws IllegalArgumentException if the file cannot be read or names no token
   */
  public static BearerTokenAuthenticator fromFile(Path file) {
    Objects.requireNonNull(file, "file == null");
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the bearer tokens in " + file + ": " + e, e);
    }
    Builder b = builder();
    for (String line : lines) {
      String l = line.trim();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split("[\\s,]+");
      b.token(parts[0], Arrays.copyOfRange(parts, 1, parts.length));
    }
    if (b.tokens.isEmpty()) {
      throw new IllegalArgumentException("The bearer token file " + file + " names no token");
    }
    return b.build();
  }

  @Override
  public void authenticate(Caller caller) {
    String header = caller.metadata().get(METADATA_KEY);
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw new RpcException(RpcException.Code.UNAUTHENTICATED, "the server requires a bearer"
          + " token: send metadata '" + METADATA_KEY + ": Bearer <token>'"
          + " (minirpc.metadata." + METADATA_KEY + ")");
    }
    Set<String> allowed = tokens.get(Digest.of(header.substring(SCHEME.length()).trim()));
    if (allowed == null) {
      throw new RpcException(RpcException.Code.UNAUTHENTICATED,
          "the server did not accept the bearer token; check the token the client sends");
    }
    // A token for some services authenticates a handshake: which services it may call is decided
    // per call.
    // Health says only whether services are up, to a caller the token already authenticates.
    if (!allowed.isEmpty() && !caller.isHandshake() && !allowed.contains(caller.service())
        && !caller.service().equals(HEALTH)) {
      throw new RpcException(RpcException.Code.PERMISSION_DENIED, "this bearer token may not"
          + " call " + caller.service() + "; ask for a token that allows it");
    }
  }

  /** Collects tokens; not thread-safe. */
  public static final class Builder {
    private final Map<Digest, Set<String>> tokens = new HashMap<>();

    private Builder() {}

    /** A token that may call every service. */
    public Builder token(String token) {
      return token(token, new String[0]);
    }

    /**
     * A token that may call {@code services} (binary names), or every service when none is given.
     */
    public Builder token(String token, String... services) {
      Objects.requireNonNull(token, "token == null");
      if (token.isBlank()) {
        throw new IllegalArgumentException("a bearer token must not be blank");
      }
      tokens.put(Digest.of(token.trim()), Set.of(services));
      return this;
    }

    /** A token that may call these services only. */
    public Builder token(String token, Class<?>... services) {
      String[] names = new String[services.length];
      for (int i = 0; i < services.length; i++) {
        names[i] = services[i].getName();
      }
      return token(token, names);
    }

    public BearerTokenAuthenticator build() {
      return new BearerTokenAuthenticator(tokens);
    }
  }

  /** A SHA-256 digest, compared in constant time. */
  private static final class Digest {
    private final byte[] bytes;
    private final int hash;

    private Digest(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    static Digest of(String token) {
      try {
        return new Digest(MessageDigest.getInstance("SHA-256")
            .digest(token.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Digest && MessageDigest.isEqual(bytes, ((Digest) o).bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
