package io.minirpc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.text.Durations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private static final long GIB = 1024L * 1024 * 1024;

  /** One valid value per key, other than its default; a key missing here fails a test. */
  private static final Map<String, String> SAMPLES = new LinkedHashMap<>();

  static {
    SAMPLES.put("minirpc.codec", "kryo");
    SAMPLES.put("minirpc.address", "example.org:4242");
    SAMPLES.put("minirpc.host", "127.0.0.1");
    SAMPLES.put("minirpc.port", "4243");
    SAMPLES.put("minirpc.timeout", "250ms");
    SAMPLES.put("minirpc.connectTimeout", "1s");
    SAMPLES.put("minirpc.maxFrameSize", "1MiB");
    SAMPLES.put("minirpc.ioThreads", "3");
    SAMPLES.put("minirpc.transport", "nio");
    SAMPLES.put("minirpc.codec.allow", "java.lang.String, java.lang.Integer");
    SAMPLES.put("minirpc.compression", "gzip");
    SAMPLES.put("minirpc.compression.minSize", "4KiB");
    SAMPLES.put("minirpc.server.threads", "8");
    SAMPLES.put("minirpc.server.queue", "0");
    SAMPLES.put("minirpc.server.gracePeriod", "PT2S");
    SAMPLES.put("minirpc.server.sendStackTraces", "true");
    SAMPLES.put("minirpc.metadata.tenant", "acme");
    SAMPLES.put("minirpc.propagateDeadline", "false");
    SAMPLES.put("minirpc.connections", "4");
    SAMPLES.put("minirpc.heartbeatInterval", "2s");
    SAMPLES.put("minirpc.idleTimeout", "9s");
    SAMPLES.put("minirpc.reconnect.initialBackoff", "50ms");
    SAMPLES.put("minirpc.reconnect.maxBackoff", "1m");
    SAMPLES.put("minirpc.waitForReady", "true");
    SAMPLES.put("minirpc.maxInFlight", "16");
    SAMPLES.put("minirpc.failWhenBusy", "TRUE");
    SAMPLES.put("minirpc.maxQueuedCalls", "77");
    SAMPLES.put("minirpc.maxQueuedBytes", "4GiB");
    SAMPLES.put("minirpc.maxResponseMemory", "256MiB");
    SAMPLES.put("minirpc.maxServerHelloSize", "64KiB");
    SAMPLES.put("minirpc.loadBalancer", "Round-Robin");
    SAMPLES.put("minirpc.subsetSize", "3");
    SAMPLES.put("minirpc.maxAttempts", "5");
    SAMPLES.put("minirpc.retryBackoff", "10ms");
    SAMPLES.put("minirpc.retryBudget", "0.5");
    SAMPLES.put("minirpc.ejection.failures", "2");
    SAMPLES.put("minirpc.ejection.time", "1s");
    SAMPLES.put("minirpc.ejection.maxPercent", "30");
    SAMPLES.put("minirpc.allowInsecureCredentials", "true");
    SAMPLES.put("minirpc.server.maxCallsPerConnection", "12");
    SAMPLES.put("minirpc.server.maxCalls", "5000");
    SAMPLES.put("minirpc.server.rateLimit.com.example.Search", "500");
    SAMPLES.put("minirpc.server.rateLimit.com.example.Search#query", "0.5");
    SAMPLES.put("minirpc.server.directExecutor", "true");
    SAMPLES.put("minirpc.server.maxQueuedBytes", "3GiB");
    SAMPLES.put("minirpc.server.maxMemory", "6GiB");
    SAMPLES.put("minirpc.server.maxConnectionMemory", "512MiB");
    SAMPLES.put("minirpc.server.maxAddressMemory", "2GiB");
    SAMPLES.put("minirpc.server.maxRunningPerConnection", "3");
    SAMPLES.put("minirpc.server.maxConnections", "100");
    SAMPLES.put("minirpc.server.maxConnectionsPerAddress", "10");
    SAMPLES.put("minirpc.server.handshakeTimeout", "2s");
    SAMPLES.put("minirpc.server.maxConnectionIdle", "3m");
    SAMPLES.put("minirpc.server.connectionRatePerAddress", "7");
    SAMPLES.put("minirpc.server.maxConnectionAge", "2h");
    SAMPLES.put("minirpc.server.maxConnectionAgeGrace", "7s");
    SAMPLES.put("minirpc.server.maxStreamIdle", "90s");
    SAMPLES.put("minirpc.server.maxPreHelloFrameSize", "4KiB");
    SAMPLES.put("minirpc.server.maxMetadataSize", "1KiB");
    SAMPLES.put("minirpc.server.maxMetadataEntries", "5");
    SAMPLES.put("minirpc.server.maxPingsPerSecond", "2");
    SAMPLES.put("minirpc.server.maxCancelsPerSecond", "50");
    SAMPLES.put("minirpc.server.registry",
        "zookeeper://zk1:2181,zk2:2181/minirpc/orders?sessionTimeout=30s");
    SAMPLES.put("minirpc.server.advertisedHost", "orders-7.example.org");
    SAMPLES.put("minirpc.server.weight", "250");
    SAMPLES.put("minirpc.server.attributes", "zone=eu-1, version=2.3");
    SAMPLES.put("minirpc.server.deregisterDelay", "500ms");
    SAMPLES.put("minirpc.server.auth.bearerTokens", "/etc/minirpc/tokens");
    SAMPLES.put("minirpc.server.maxAuthFailuresPerConnection", "3");
    SAMPLES.put("minirpc.server.maxAuthFailuresPerSecond", "20");
    SAMPLES.put("minirpc.server.errorDetails", "true");
    SAMPLES.put("minirpc.server.listing", "true");
    SAMPLES.put("minirpc.tls", "true");
    SAMPLES.put("minirpc.tls.certChain", "/etc/minirpc/chain.pem");
    SAMPLES.put("minirpc.tls.privateKey", "/etc/minirpc/key.pem");
    SAMPLES.put("minirpc.tls.trustedCerts", "/etc/minirpc/ca.pem");
    SAMPLES.put("minirpc.tls.clientAuth", "Require");
    SAMPLES.put("minirpc.tls.hostnameVerification", "false");
  }

  private static Settings applied(Map<String, String> entries) {
    Properties p = new Properties();
    entries.forEach(p::setProperty);
    Settings s = new Settings();
    s.apply(p);
    return s;
  }

  private static IllegalArgumentException refused(String key, String value) {
    return assertThrows(IllegalArgumentException.class, () -> applied(Map.of(key, value)));
  }

  @Test
  void anAddressIsOneServerSeveralOrADiscoveryUri() {
    ClientConfig one = applied(Map.of("minirpc.address", "example.org:4242")).client();
    assertEquals(List.of(new HostPort("example.org", 4242)), one.target().addresses());
    assertTrue(one.target().isSingle());

    ClientConfig three = applied(Map.of("minirpc.address",
        "a.example:1, b.example:2 ,[::1]:3")).client();
    assertEquals(List.of(new HostPort("a.example", 1), new HostPort("b.example", 2),
        new HostPort("::1", 3)), three.target().addresses());
    assertNull(three.target().uri());

    ClientConfig zk = applied(Map.of("minirpc.address",
        "zookeeper://zk1:2181,zk2:2181/minirpc/orders")).client();
    assertEquals("zookeeper", zk.target().uri().getScheme());
    assertEquals("/minirpc/orders", zk.target().uri().getPath());
    assertTrue(zk.target().addresses().isEmpty());

    assertTrue(refused("minirpc.address", "a.example:1,b.example").getMessage()
        .contains("is not host:port"));
    assertTrue(refused("minirpc.address", " , ").getMessage().contains("is empty"));
    assertTrue(refused("minirpc.loadBalancer", "random").getMessage()
        .contains("least-pending, round-robin, consistent-hash"));
    assertTrue(refused("minirpc.retryBudget", "1.5").getMessage().contains("between 0 and 1"));
  }

  @Test
  void durationsAcceptUnitsAndIso8601() {
    assertEquals(Duration.ofMillis(250), Durations.parse("k", "250ms"));
    assertEquals(Duration.ofSeconds(5), Durations.parse("k", "5s"));
    assertEquals(Duration.ofSeconds(5), Durations.parse("k", " PT5S "));
    assertEquals(Duration.ofMinutes(2), Durations.parse("k", "2m"));
    assertEquals(Duration.ofNanos(1500), Durations.parse("k", "1500ns"));
  }

  @Test
  void aDurationWithoutUnitIsRefusedWithTheAcceptedForms() {
    assertEquals(
        "minirpc.timeout = '5000' is not a duration: write a whole number with a unit (250ms, 5s,"
            + " 2m) or an ISO-8601 duration (PT5S)",
        refused("minirpc.timeout", "5000").getMessage());
  }

  @Test
  void sizesAcceptBinaryUnits() {
    assertEquals(16 * 1024 * 1024, Sizes.parse("k", "16MiB"));
    assertEquals(512 * 1024, Sizes.parse("k", "512KiB"));
    assertEquals(1000, Sizes.parse("k", "1000"));
    assertEquals(
        "minirpc.maxFrameSize = '4GiB' is not a size: write a number of bytes, optionally with a"
            + " unit (16777216, 512KiB, 16MiB), below 2GiB",
        refused("minirpc.maxFrameSize", "4GiB").getMessage());
  }

  @Test
  void queuedBytesAreLongsSo2GiBAndAboveAreAccepted() {
    Settings s =
        applied(Map.of("minirpc.server.maxQueuedBytes", "4GiB", "minirpc.maxQueuedBytes", "2GiB"));
    assertEquals(4 * GIB, s.server().maxQueuedBytes());
    assertEquals(2 * GIB, s.client().maxQueuedBytes());
    assertEquals(5_000_000_000L, applied(Map.of("minirpc.server.maxQueuedBytes", "5000000000"))
        .server().maxQueuedBytes());
    assertEquals(
        "minirpc.server.maxQueuedBytes = '9999999999GiB' is not a size: write a number of bytes,"
            + " optionally with a unit (16777216, 512KiB, 16MiB, 4GiB)",
        refused("minirpc.server.maxQueuedBytes", "9999999999GiB").getMessage());
  }

  @Test
  void everyDeclaredKeyHasASampleHere() {
    for (String name : KeyTable.names()) {
      String prefix = name.contains("<") ? name.substring(0, name.indexOf('<')) : name;
      assertTrue(SAMPLES.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(prefix)
          && name.contains("<")), "no sample for " + name + " in SettingsTest.SAMPLES");
    }
  }

  @Test
  void propertiesFillEveryKeyOfBothSides() {
    Map<String, String> server = new LinkedHashMap<>(SAMPLES);
    server.put("minirpc.codec", "json,KRYO");
    Settings s = applied(SAMPLES);
    ClientConfig c = s.client();
    assertEquals(List.of("kryo"), c.codecs());
    assertEquals("example.org", c.host());
    assertEquals(4242, c.port());
    assertEquals(Duration.ofMillis(250), c.timeout());
    assertEquals(Duration.ofSeconds(1), c.connectTimeout());
    assertEquals(1024 * 1024, c.maxFrameSize());
    assertEquals(3, c.ioThreads());
    assertEquals(TransportKind.NIO, c.transport());
    assertEquals(List.of("java.lang.String", "java.lang.Integer"), c.allowedClassNames());
    assertEquals(Map.of("tenant", "acme"), c.metadata());
    assertFalse(c.propagateDeadline());
    assertEquals(4, c.connections());
    assertEquals(Duration.ofSeconds(2), c.heartbeatInterval());
    assertEquals(Duration.ofSeconds(9), c.idleTimeout());
    assertEquals(Duration.ofMillis(50), c.initialBackoff());
    assertEquals(Duration.ofMinutes(1), c.maxBackoff());
    assertTrue(c.waitForReady());
    assertEquals(16, c.maxInFlight());
    assertTrue(c.failWhenBusy());
    assertEquals(77, c.maxQueuedCalls());
    assertEquals(4 * GIB, c.maxQueuedBytes());
    assertTrue(c.allowInsecureCredentials());
    assertEquals(256L * 1024 * 1024, c.maxResponseMemory());
    assertEquals(64 * 1024, c.maxServerHelloSize());
    assertEquals(new TlsConfig(true, "/etc/minirpc/chain.pem", "/etc/minirpc/key.pem",
        "/etc/minirpc/ca.pem", TlsConfig.ClientAuthMode.NONE, false, null), c.tls());

    ServerConfig v = applied(server).server();
    assertEquals(List.of("json", "kryo"), v.codecs());
    assertEquals("127.0.0.1", v.host());
    assertEquals(4243, v.port());
    assertEquals(1024 * 1024, v.maxFrameSize());
    assertEquals(3, v.ioThreads());
    assertEquals(TransportKind.NIO, v.transport());
    assertEquals(List.of("java.lang.String", "java.lang.Integer"), v.allowedClassNames());
    assertEquals(8, v.serverThreads());
    assertEquals(0, v.serverQueue());
    assertEquals(Duration.ofSeconds(2), v.gracePeriod());
    assertTrue(v.sendStackTraces());
    assertEquals(Duration.ofSeconds(9), v.idleTimeout());
    assertEquals(12, v.maxCallsPerConnection());
    assertEquals(5000, v.maxCalls());
    assertEquals(Map.of("com.example.Search", 500.0, "com.example.Search#query", 0.5),
        v.rateLimits());
    assertTrue(v.directExecutor());
    assertEquals(3 * GIB, v.maxQueuedBytes());
    assertEquals(6 * GIB, v.maxMemory());
    assertEquals(512L * 1024 * 1024, v.maxConnectionMemory());
    assertEquals(2 * GIB, v.maxAddressMemory());
    assertEquals(3, v.maxRunningPerConnection());
    assertEquals(100, v.maxConnections());
    assertEquals(10, v.maxConnectionsPerAddress());
    assertEquals(Duration.ofSeconds(2), v.handshakeTimeout());
    assertEquals(Duration.ofMinutes(3), v.maxConnectionIdle());
    assertEquals(7, v.connectionRatePerAddress());
    assertEquals(Duration.ofHours(2), v.maxConnectionAge());
    assertEquals(Duration.ofSeconds(7), v.maxConnectionAgeGrace());
    assertEquals(Duration.ofSeconds(90), v.maxStreamIdle());
    assertEquals(4096, v.maxPreHelloFrameSize());
    assertEquals(1024, v.maxMetadataSize());
    assertEquals(5, v.maxMetadataEntries());
    assertEquals(2, v.maxPingsPerSecond());
    assertEquals(50, v.maxCancelsPerSecond());
    assertEquals(new TlsConfig(true, "/etc/minirpc/chain.pem", "/etc/minirpc/key.pem",
        "/etc/minirpc/ca.pem", TlsConfig.ClientAuthMode.REQUIRE, false, null), v.tls());
    assertEquals("/etc/minirpc/tokens", v.bearerTokens());
    assertTrue(v.errorDetails());
    assertEquals(URI.create("zookeeper://zk1:2181,zk2:2181/minirpc/orders?sessionTimeout=30s"),
        v.registry());
    assertEquals("orders-7.example.org", v.advertisedHost());
    assertEquals(250, v.weight());
    assertEquals(List.of("zone", "version"), List.copyOf(v.attributes().keySet()));
    assertEquals(Map.of("zone", "eu-1", "version", "2.3"), v.attributes());
    assertEquals(Duration.ofMillis(500), v.deregisterDelay());
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ClientConfig c = new Settings().client();
    assertEquals(List.of(), c.codecs());
    assertNull(c.host());
    assertEquals(-1, c.port());
    assertEquals(Duration.ofSeconds(5), c.timeout());
    assertEquals(Duration.ofSeconds(3), c.connectTimeout());
    assertEquals(16 * 1024 * 1024, c.maxFrameSize());
    assertEquals(0, c.ioThreads());
    assertEquals(TransportKind.AUTO, c.transport());
    assertTrue(c.propagateDeadline());
    assertEquals(1, c.connections());
    assertEquals(Duration.ofSeconds(5), c.heartbeatInterval());
    assertEquals(Duration.ofSeconds(20), c.idleTimeout());
    assertEquals(Duration.ofMillis(100), c.initialBackoff());
    assertEquals(Duration.ofSeconds(5), c.maxBackoff());
    assertFalse(c.waitForReady());
    assertEquals(4096, c.maxInFlight());
    assertFalse(c.failWhenBusy());
    assertEquals(1_000_000, c.maxQueuedCalls());
    assertEquals(64L * 1024 * 1024, c.maxQueuedBytes());
    assertEquals(0, c.maxResponseMemory(), "a quarter of the heap, worked out by the client");
    assertEquals(1024 * 1024, c.maxServerHelloSize());

    ServerConfig s = new Settings().server();
    assertEquals(List.of(), s.codecs());
    assertNull(s.host());
    assertEquals(0, s.port());
    assertEquals(TransportKind.AUTO, s.transport());
    assertEquals(200, s.serverThreads());
    assertEquals(1000, s.serverQueue());
    assertEquals(Duration.ofSeconds(10), s.gracePeriod());
    assertFalse(s.sendStackTraces());
    assertEquals(1000, s.maxCallsPerConnection());
    assertEquals(0, s.maxCalls(), "0: one call per 2 KiB of maxMemory");
    assertFalse(s.directExecutor());
    assertEquals(64L * 1024 * 1024, s.maxQueuedBytes());
    assertEquals(0, s.maxRunningPerConnection(), "0: half of the threads");
    assertEquals(0, s.maxMemory(), "0: derived from the JVM's limits");
    assertEquals(0, s.maxConnectionMemory(), "0: half of maxMemory");
    assertEquals(0, s.maxAddressMemory(), "0: half of maxMemory");
    assertEquals(4096, s.maxConnections());
    assertEquals(256, s.maxConnectionsPerAddress());
    assertEquals(Duration.ofSeconds(10), s.handshakeTimeout());
    assertEquals(Duration.ofMinutes(5), s.maxConnectionIdle());
    assertEquals(20, s.connectionRatePerAddress());
    assertEquals(Duration.ZERO, s.maxConnectionAge());
    assertEquals(Duration.ofSeconds(30), s.maxConnectionAgeGrace());
    assertEquals(Duration.ofSeconds(60), s.maxStreamIdle());
    assertEquals(64 * 1024, s.maxPreHelloFrameSize());
    assertEquals(8 * 1024, s.maxMetadataSize());
    assertEquals(64, s.maxMetadataEntries());
    assertEquals(10, s.maxPingsPerSecond());
    assertEquals(1000, s.maxCancelsPerSecond());
    assertNull(s.registry());
    assertNull(s.advertisedHost(), "null: chosen when the server starts");
    assertEquals(100, s.weight());
    assertEquals(Map.of(), s.attributes());
    assertEquals(Duration.ofSeconds(2), s.deregisterDelay());
  }

  @Test
  void registryKeysRefuseWhatNoRegistryCouldMean() {
    assertEquals("registry (zk1:2181/minirpc/orders) must be a URI that starts with the kind of"
            + " registry, such as zookeeper://zk1:2181,zk2:2181/minirpc/orders",
        refused("minirpc.server.registry", "zk1:2181/minirpc/orders").getMessage());
    assertEquals("registry (/minirpc/orders) must be a URI that starts with the kind of"
            + " registry, such as zookeeper://zk1:2181,zk2:2181/minirpc/orders",
        refused("minirpc.server.registry", "/minirpc/orders").getMessage());
    assertEquals("minirpc.server.registry = 'zookeeper://zk 1/x' is not a URI: Illegal character"
            + " in authority (for example zookeeper://zk1:2181,zk2:2181/minirpc/orders)",
        refused("minirpc.server.registry", "zookeeper://zk 1/x").getMessage());
    assertEquals("minirpc.server.attributes = 'zone=eu-1,canary': 'canary' is not key=value"
            + " (for example zone=eu-1,version=2.3)",
        refused("minirpc.server.attributes", "zone=eu-1,canary").getMessage());
    assertEquals("minirpc.server.attributes = '=x': '=x' is not key=value (for example"
            + " zone=eu-1,version=2.3)",
        refused("minirpc.server.attributes", "=x").getMessage());
    assertEquals("weight (0) must be between 1 and 1000",
        refused("minirpc.server.weight", "0").getMessage());
    assertEquals("deregisterDelay (PT-1S) must not be negative",
        assertThrows(IllegalArgumentException.class,
            () -> new Settings().set(ServerKeys.DEREGISTER_DELAY, Duration.ofSeconds(-1)))
            .getMessage());
    assertEquals(Duration.ZERO,
        applied(Map.of("minirpc.server.deregisterDelay", "0s")).server().deregisterDelay());
    assertEquals(Map.of("a", "b=c"),
        applied(Map.of("minirpc.server.attributes", "a=b=c")).server().attributes());
  }

  @Test
  void laterWinsBetweenPropertiesAndBuilderCalls() {
    Settings s = new Settings();
    s.set(Keys.TIMEOUT, Duration.ofSeconds(1));
    s.set(Keys.MAX_IN_FLIGHT, 7);
    Properties p = new Properties();
    p.setProperty("minirpc.timeout", "2s");
    s.apply(p);
    assertEquals(Duration.ofSeconds(2), s.client().timeout());
    assertEquals(7, s.client().maxInFlight());
    s.set(Keys.TIMEOUT, Duration.ofSeconds(3));
    assertEquals(Duration.ofSeconds(3), s.client().timeout());
  }

  @Test
  void keysOutsideMinirpcAreIgnored() {
    Settings s = applied(Map.of("user.home", "/ignored", "minirpcx", "1", "java.version", "x"));
    assertEquals(Duration.ofSeconds(5), s.client().timeout());
  }

  @Test
  void theSystemPropertiesOfAJvmRunWithMinusDTransportAreAccepted() {
    Properties p = new Properties();
    p.putAll(System.getProperties());
    p.setProperty("minirpc.transport", "nio");
    Settings s = new Settings();
    s.apply(p);
    assertEquals(TransportKind.NIO, s.client().transport());
    assertEquals(TransportKind.NIO, s.server().transport());
  }

  @Test
  void transportTakesAutoEpollOrNioInAnyCase() {
    assertEquals(TransportKind.AUTO, Keys.TRANSPORT.parse("auto"));
    assertEquals(TransportKind.EPOLL, Keys.TRANSPORT.parse("Epoll"));
    assertEquals(TransportKind.NIO, Keys.TRANSPORT.parse(" NIO "));
    assertEquals(
        "minirpc.transport = 'kqueue' is not one of auto, epoll, nio, local",
        refused("minirpc.transport", "kqueue").getMessage());
  }

  @Test
  void aLocalAddressNamesAServerInThisJvmAndTakesTheLocalTransport() {
    ClientConfig c = applied(Map.of("minirpc.address", " local:orders ",
        "minirpc.transport", "nio")).client();
    assertEquals("orders", c.target().localName());
    assertEquals("local:orders", c.target().toString());
    assertTrue(c.target().addresses().isEmpty());
    assertEquals(TransportKind.LOCAL, c.transport());
    assertNull(applied(Map.of("minirpc.address", "localhost:4242")).client().target().localName());
    assertNull(applied(Map.of("minirpc.address", "dns:///orders:4242")).client().target()
        .localName());
    assertEquals("minirpc.address = 'local:' has no name: give the name the server binds (its"
        + " minirpc.host with minirpc.transport=local), as local:orders",
        refused("minirpc.address", "local: ").getMessage());
  }

  @Test
  void theLocalTransportRefusesTlsASocketAddressAndARegistry() {
    assertEquals("minirpc.tls is on, but minirpc.address = 'local:orders' is a server in this"
        + " JVM, over the local transport, which has no TLS (its bytes never leave the JVM)."
        + " Turn TLS off for this client, or call the server over TCP",
        assertThrows(IllegalArgumentException.class, () -> applied(Map.of(
            "minirpc.address", "local:orders", "minirpc.tls", "true")).client()).getMessage());
    assertEquals("minirpc.transport=local calls servers in this JVM only, but minirpc.address ="
        + " '127.0.0.1:4242'. Give the server's name as local:NAME, or set"
        + " minirpc.transport=auto",
        assertThrows(IllegalArgumentException.class, () -> applied(Map.of(
            "minirpc.address", "127.0.0.1:4242", "minirpc.transport", "local")).client())
            .getMessage());

    assertEquals(TransportKind.LOCAL, applied(Map.of("minirpc.transport", "local",
        "minirpc.host", "orders")).server().transport());
    assertEquals("minirpc.transport=local binds a name in this JVM instead of a port: set"
        + " minirpc.host to it (host(\"orders\")), and call it with minirpc.address=local:orders",
        assertThrows(IllegalArgumentException.class, () -> applied(Map.of(
            "minirpc.transport", "local")).server()).getMessage());
    assertEquals("minirpc.tls is on, but minirpc.transport=local has no TLS (its bytes never"
        + " leave the JVM). Turn TLS off for this server, or serve it over TCP",
        assertThrows(IllegalArgumentException.class, () -> applied(Map.of(
            "minirpc.transport", "local", "minirpc.host", "orders", "minirpc.tls", "true"))
            .server()).getMessage());
    assertEquals("minirpc.server.registry publishes a host and a port, but a server on"
        + " minirpc.transport=local has neither: remove the registry, or serve over TCP",
        assertThrows(IllegalArgumentException.class, () -> applied(Map.of(
            "minirpc.transport", "local", "minirpc.host", "orders",
            "minirpc.server.registry", "zookeeper://zk:2181/minirpc/orders")).server())
            .getMessage());
  }

  @Test
  void failFastIsADeprecatedAliasOfTheOppositeWaitForReady() {
    assertEquals(
        List.of("[main] WARN io.minirpc.internal.config.Settings - minirpc.failFast is deprecated: use"
            + " minirpc.waitForReady=false instead (minirpc.failFast=true means the same)"),
        warnings(() -> assertFalse(
            applied(Map.of("minirpc.failFast", "true")).client().waitForReady())));
    assertEquals(
        List.of("[main] WARN io.minirpc.internal.config.Settings - minirpc.failFast is deprecated: use"
            + " minirpc.waitForReady=true instead (minirpc.failFast=false means the same)"),
        warnings(() -> assertTrue(
            applied(Map.of("minirpc.failFast", "false")).client().waitForReady())));
    assertEquals(
        "minirpc.failFast = 'yes' is not true or false",
        refused("minirpc.failFast", "yes").getMessage());
  }

  @Test
  void whenBothNamesAreGivenTheNewOneWins() {
    for (String wait : List.of("true", "false")) {
      Map<String, String> both = Map.of("minirpc.failFast", wait, "minirpc.waitForReady", wait);
      List<String> logged = warnings(
          () -> assertEquals(Boolean.parseBoolean(wait), applied(both).client().waitForReady()));
      assertEquals(
          List.of("[main] WARN io.minirpc.internal.config.Settings - minirpc.failFast is"
              + " deprecated, and ignored because minirpc.waitForReady is set too: remove"
              + " minirpc.failFast"),
          logged);
    }
  }

  /** The log lines {@code action} writes, without their time stamp. */
  private static List<String> warnings(Runnable action) {
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(err);
    }
    return out.toString(StandardCharsets.UTF_8).lines()
        .map(l -> l.replaceFirst("^[0-9:.]+ ", "").replaceFirst("\\[[^\\]]*\\]", "[main]"))
        .toList();
  }

  @Test
  void aMisspeltKeyIsAnErrorThatSuggestsTheNearestKey() {
    String known = " (known keys: " + String.join(", ", KeyTable.names()) + ")";
    assertEquals("Unknown setting minirpc.timout=5s: did you mean minirpc.timeout?" + known,
        refused("minirpc.timout", "5s").getMessage());
    assertEquals("Unknown setting minirpc.Timeout=5s: did you mean minirpc.timeout?" + known,
        refused("minirpc.Timeout", "5s").getMessage());
    assertEquals(
        "Unknown setting minirpc.threads=8: did you mean minirpc.server.threads?" + known,
        refused("minirpc.threads", "8").getMessage());
    assertEquals(
        "Unknown setting minirpc.server.timeout=1s: did you mean minirpc.timeout?" + known,
        refused("minirpc.server.timeout", "1s").getMessage());
    assertEquals(
        "Unknown setting minirpc.maxQueueBytes=1MiB: did you mean minirpc.maxQueuedBytes?"
            + known,
        refused("minirpc.maxQueueBytes", "1MiB").getMessage());
    assertEquals(
        "Unknown setting minirpc.waitForRaedy=true: did you mean minirpc.waitForReady?" + known,
        refused("minirpc.waitForRaedy", "true").getMessage());
    assertEquals("Unknown setting minirpc.colour=blue" + known,
        refused("minirpc.colour", "blue").getMessage());
  }

  @Test
  void theKnownKeysListEveryKeyOnceAndTheFamilies() {
    List<String> names = KeyTable.names();
    assertEquals(names.size(), names.stream().distinct().count());
    assertTrue(names.contains("minirpc.metadata.<key>"));
    assertTrue(names.contains("minirpc.server.rateLimit.<service>"));
    assertFalse(names.contains("minirpc.failFast"));
  }

  @Test
  void checksNameTheArgumentAndEchoTheValue() {
    Settings s = new Settings();
    assertEquals(
        "port (70000) must be between 0 and 65535",
        assertThrows(IllegalArgumentException.class, () -> s.set(ServerKeys.PORT, 70000)).getMessage());
    assertEquals(
        "timeout (PT0S) must be positive",
        assertThrows(IllegalArgumentException.class,
            () -> s.set(Keys.TIMEOUT, Duration.ZERO)).getMessage());
    assertEquals(
        "maxFrameSize (10) must be at least 1024 bytes",
        assertThrows(IllegalArgumentException.class,
            () -> s.set(Keys.MAX_FRAME_SIZE, 10)).getMessage());
    assertEquals(
        "maxQueuedBytes (10) must be at least 1024 bytes",
        assertThrows(IllegalArgumentException.class,
            () -> s.set(Keys.MAX_QUEUED_BYTES, 10L)).getMessage());
    assertEquals("connections (65) must be between 1 and 64",
        refused("minirpc.connections", "65").getMessage());
    assertEquals("minirpc.server.threads = 'many' is not a whole number",
        refused("minirpc.server.threads", "many").getMessage());
    assertEquals("codec name is empty",
        assertThrows(IllegalArgumentException.class,
            () -> s.set(Keys.CODEC, List.of(" "))).getMessage());
  }

  @Test
  void ipv6AddressesKeepTheirColons() {
    ClientConfig c = applied(Map.of("minirpc.address", "[::1]:4242")).client();
    assertEquals("::1", c.host());
    assertEquals(4242, c.port());
    assertEquals("minirpc.address = '4242' is not host:port (for example 127.0.0.1:4242)",
        refused("minirpc.address", "4242").getMessage());
  }

  @Test
  void settingsOfTwoKeysAreCheckedTogetherAtBuild() {
    Settings s = applied(Map.of("minirpc.heartbeatInterval", "30s"));
    assertEquals(
        "minirpc.heartbeatInterval (PT30S) must be shorter than minirpc.idleTimeout (PT20S), or a"
            + " healthy idle connection would be closed",
        assertThrows(IllegalArgumentException.class, s::client).getMessage());
    Settings b = applied(Map.of("minirpc.reconnect.initialBackoff", "10s"));
    assertEquals(
        "maximum reconnect backoff (PT5S) is shorter than the initial backoff (PT10S)",
        assertThrows(IllegalArgumentException.class, b::client).getMessage());
  }

  @Test
  void builtConfigsDoNotSeeLaterChanges() {
    Settings s = new Settings();
    s.metadata("a", "1");
    ClientConfig c = s.client();
    s.metadata("b", "2");
    s.set(Keys.TIMEOUT, Duration.ofSeconds(9));
    assertEquals(Map.of("a", "1"), c.metadata());
    assertEquals(Duration.ofSeconds(5), c.timeout());
    assertThrows(UnsupportedOperationException.class, () -> c.metadata().put("c", "3"));
  }
}
