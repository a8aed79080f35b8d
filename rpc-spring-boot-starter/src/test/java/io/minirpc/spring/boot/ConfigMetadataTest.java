package io.minirpc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minirpc.internal.config.ConfigMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The starter ships Spring Boot's configuration metadata for every {@code minirpc.*} key, so that
 * IDEs complete and check them in {@code application.properties} and YAML; it is rendered from
 * minirpc's own declaration of the keys, and this test fails while the two differ.
 */
class ConfigMetadataTest {
  private static final Path FILE =
      Path.of("src/main/resources/META-INF/spring-configuration-metadata.json");
  private static final String COMMAND = "mvn -B -pl rpc-spring-boot-starter -am test"
      + " -Dtest=ConfigMetadataTest -Dsurefire.failIfNoSpecifiedTests=false"
      + " -DregenerateMetadata=true";

  @Test
  void theShippedMetadataIsTheOneTheKeysRender() throws IOException {
    if (Boolean.getBoolean("regenerateMetadata")) {
      Files.writeString(FILE, ConfigMetadata.render(), StandardCharsets.UTF_8);
    }
    assertEquals(ConfigMetadata.render(), Files.readString(FILE, StandardCharsets.UTF_8),
        FILE + " differs from the keys minirpc declares. Regenerate it from the repository's"
            + " root with: " + COMMAND);
  }

  @Test
  void theMetadataOnTheClasspathDescribesEachKeyWithAJavaTypeAnIdeChecks() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      root = new ObjectMapper().readTree(in);
    }
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode p : root.get("properties")) {
      assertTrue(byName.put(p.get("name").asText(), p) == null, "twice: " + p.get("name"));
      assertTrue(p.get("description").asText().length() > 10, "described: " + p.get("name"));
    }
    JsonNode timeout = byName.get("minirpc.timeout");
    assertEquals("java.time.Duration", timeout.get("type").asText());
    assertEquals("5s", timeout.get("defaultValue").asText());
    JsonNode maxMemory = byName.get("minirpc.server.maxMemory");
    assertEquals("java.lang.String", maxMemory.get("type").asText(), "sizes are written 64MiB");
    assertTrue(maxMemory.get("description").asText().contains("Default: "),
        "a derived default is described in words: " + maxMemory);
    assertEquals("java.util.List<java.lang.String>", byName.get("minirpc.codec").get("type")
        .asText());
    assertTrue(byName.get("minirpc.codec").get("description").asText().contains("(server)"),
        "a key of both builders describes each");
    assertEquals("java.util.Map<java.lang.String,java.lang.Double>",
        byName.get("minirpc.server.rateLimit").get("type").asText());
  }
}
