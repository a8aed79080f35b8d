package io.minirpc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {
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
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("minirpc.timeout", "5000"));
    assertEquals(
        "minirpc.timeout = '5000' is not a duration: write a whole number with a unit (250ms, 5s,"
            + " 2m) or an ISO-8601 duration (PT5S)",
        e.getMessage());
  }

  @Test
  void sizesAcceptBinaryUnits() {
    assertEquals(16 * 1024 * 1024, Sizes.parse("k", "16MiB"));
    assertEquals(512 * 1024, Sizes.parse("k", "512KiB"));
    assertEquals(1000, Sizes.parse("k", "1000"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("minirpc.maxFrameSize", "4GiB"));
    assertEquals(
        "minirpc.maxFrameSize = '4GiB' is not a size: write a number of bytes, optionally with a"
            + " unit (16777216, 512KiB, 16MiB), below 2GiB",
        e.getMessage());
  }

  @Test
  void propertiesFillEveryKey() {
    Properties p = new Properties();
    p.setProperty("minirpc.codec", "kryo");
    p.setProperty("minirpc.address", "example.org:4242");
    p.setProperty("minirpc.timeout", "250ms");
    p.setProperty("minirpc.maxFrameSize", "1MiB");
    p.setProperty("minirpc.server.threads", "8");
    p.setProperty("minirpc.server.queue", "0");
    p.setProperty("minirpc.codec.allow", "java.lang.String, java.lang.Integer");
    p.setProperty("user.home", "/ignored");
    Settings s = new Settings();
    s.apply(p);
    assertEquals(List.of("kryo"), s.codecs());
    assertEquals("example.org", s.host());
    assertEquals(4242, s.port());
    assertEquals(Duration.ofMillis(250), s.timeout());
    assertEquals(1024 * 1024, s.maxFrameSize());
    assertEquals(8, s.serverThreads());
    assertEquals(0, s.serverQueue());
    assertEquals(List.of("java.lang.String", "java.lang.Integer"), s.allowedClassNames());
  }

  @Test
  void ipv6AddressesKeepTheirColons() {
    Properties p = new Properties();
    p.setProperty("minirpc.address", "[::1]:4242");
    Settings s = new Settings();
    s.apply(p);
    assertEquals("::1", s.host());
    assertEquals(4242, s.port());
  }

  @Test
  void aMisspeltKeyIsAnErrorNotSilence() {
    Properties p = new Properties();
    p.setProperty("minirpc.timout", "5s");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Settings().apply(p));
    assertEquals(
        "Unknown setting 'minirpc.timout'. Known settings: " + String.join(", ", Settings.keys()),
        e.getMessage());
  }

  @Test
  void settersCheckTheirArgumentsAndEchoTheValue() {
    Settings s = new Settings();
    assertEquals(
        "port (70000) must be between 0 and 65535",
        assertThrows(IllegalArgumentException.class, () -> s.port(70000)).getMessage());
    assertEquals(
        "timeout (PT0S) must be positive",
        assertThrows(IllegalArgumentException.class, () -> s.timeout(Duration.ZERO)).getMessage());
    assertEquals(
        "maxFrameSize (10) must be at least 1024 bytes",
        assertThrows(IllegalArgumentException.class, () -> s.maxFrameSize(10)).getMessage());
  }
}
