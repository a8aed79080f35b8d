package io.minirpc.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificate authorities and certificates made at test time with BouncyCastle, written as PEM
 * files in a directory: no key is ever checked in. A {@link Ca} signs leaf certificates for
 * servers (with subject alternative names) and clients.
 *
 * <pre>{@code
 * TestCertificates.Ca ca = TestCertificates.ca(dir, "test CA");
 * TestCertificates.Pem server = ca.issue("server", "localhost", "127.0.0.1");
 * server.chain(); server.key(); ca.certificate();   // PEM file paths
 * }</pre>
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private TestCertificates() {}

  /** PEM files of one certificate chain and its PKCS#8 private key. */
  public record Pem(Path chain, Path key) {}

  /** A certificate authority whose certificate and key live in memory, and as PEM on disk. */
  public static final class Ca {
    private final Path dir;
    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final Path certificateFile;

    private Ca(Path dir, String name, KeyPair keys, X509Certificate certificate) {
      this.dir = dir;
      this.name = name;
      this.keys = keys;
      this.certificate = certificate;
      this.certificateFile = write(dir.resolve(fileName(name) + "-ca.pem"), certificate);
    }

    /** The CA's certificate, a PEM file: what the other side trusts. */
    public Path certificate() {
      return certificateFile;
    }

    /**
     * A certificate valid from an hour ago for a day, for {@code commonName} and the subject
     * alternative names {@code hosts} (DNS names or IP addresses).
     */
    public Pem issue(String commonName, String... hosts) {
      Instant now = Instant.now();
      return issue(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
          hosts);
    }

    /** A certificate that expired an hour ago. */
    public Pem issueExpired(String commonName, String... hosts) {
      Instant now = Instant.now();
      return issue(commonName, now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(1)),
          hosts);
    }

    private Pem issue(String commonName, Instant from, Instant to, String... hosts) {
      try {
        KeyPair leaf = newKeyPair();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
            new X500Name("CN=" + name), BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(from), Date.from(to), new X500Name("CN=" + commonName), leaf.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (hosts.length > 0) {
          GeneralName[] names = new GeneralName[hosts.length];
          for (int i = 0; i < hosts.length; i++) {
            names[i] = isAddress(hosts[i])
                ? new GeneralName(GeneralName.iPAddress, hosts[i])
                : new GeneralName(GeneralName.dNSName, hosts[i]);
          }
          b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        X509Certificate cert = sign(b, keys);
        String base = fileName(commonName) + "-" + SERIAL.incrementAndGet();
        Path chain = dir.resolve(base + ".pem");
        writePem(chain, pem(cert) + pem(certificate));
        Path key = dir.resolve(base + ".key");
        writePem(key, pem(new PemObject("PRIVATE KEY", leaf.getPrivate().getEncoded())));
        return new Pem(chain, key);
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new IllegalStateException("could not issue a test certificate: " + e, e);
      }
    }
  }

  /** A new self-signed certificate authority named {@code name}, written under {@code dir}. */
  public static Ca ca(Path dir, String name) {
    try {
      KeyPair keys = newKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + name);
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new Ca(dir, name, keys, sign(b, keys));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException("could not make a test CA: " + e, e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException {
    try {
      ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(s));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static boolean isAddress(String host) {
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  private static String fileName(String name) {
    return name.replaceAll("[^A-Za-z0-9.-]", "_");
  }

  private static Path write(Path file, X509Certificate certificate) {
    try {
      writePem(file, pem(certificate));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writePem(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }
}
