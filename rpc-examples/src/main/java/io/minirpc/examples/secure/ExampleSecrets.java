package io.minirpc.examples.secure;

import io.minirpc.examples.calculator.Calculator;
import io.minirpc.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The secrets of the secure example, made on first use in one directory (never checked in): a CA,
 * the server's certificate for localhost and 127.0.0.1, a client certificate, and a bearer token
 * that may call {@link Calculator}. The properties files name them as {@code ${secrets}/...} and
 * {@code ${token}}; {@link #expand} fills those in.
 */
public final class ExampleSecrets {
  private ExampleSecrets() {}

  /** Where the secrets live: {@code example.secrets}, else a folder in the temp dir. */
  public static Path dir() {
    String configured = System.getProperty("example.secrets");
    return configured != null ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"), "minirpc-example-secrets");
  }

  /** Makes the secrets in {@link #dir()} unless they are there already. */
  public static Path ensure() throws IOException {
    Path dir = dir();
    if (Files.exists(dir.resolve("token"))) {
      return dir;
    }
    Files.createDirectories(dir);
    TestCertificates.Ca ca = TestCertificates.ca(dir, "minirpc example CA");
    TestCertificates.Pem server = ca.issue("server", "localhost", "127.0.0.1");
    TestCertificates.Pem client = ca.issue("example-client");
    move(ca.certificate(), dir.resolve("ca.pem"));
    move(server.chain(), dir.resolve("server.pem"));
    move(server.key(), dir.resolve("server.key"));
    move(client.chain(), dir.resolve("client.pem"));
    move(client.key(), dir.resolve("client.key"));
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    Files.writeString(dir.resolve("tokens"), "# bearer tokens: the token, then the services it may"
        + " call\n" + token + " " + Calculator.class.getName() + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("token"), token, StandardCharsets.UTF_8); // written last
    return dir;
  }

  /** Replaces {@code ${secrets}} and {@code ${token}} in every value of {@code p}. */
  public static Properties expand(Properties p) throws IOException {
    Path dir = dir();
    Path tokenFile = dir.resolve("token");
    if (!Files.exists(tokenFile)) {
      throw new IOException("No example secrets in " + dir + ": start SecureCalculatorServer"
          + " first, it makes them");
    }
    String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
    Properties out = new Properties();
    for (String key : p.stringPropertyNames()) {
      out.setProperty(key, p.getProperty(key).replace("${secrets}", dir.toString())
          .replace("${token}", token));
    }
    return out;
  }

  private static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
  }
}
