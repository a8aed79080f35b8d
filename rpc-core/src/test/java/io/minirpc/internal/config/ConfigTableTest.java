package io.minirpc.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigTableTest {
  @Test
  void theReadmeTableIsTheOneTheKeysRender() throws IOException {
    Path readme = readme();
    if (Boolean.getBoolean("regenerateReadme")) {
      // ConfigTable.COMMAND: rewrite the table, then check it like any other run.
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      Files.writeString(readme, ConfigTable.update(text), StandardCharsets.UTF_8);
    }
    String actual = ConfigTable.current(Files.readString(readme, StandardCharsets.UTF_8));
    assertEquals(ConfigTable.render(), actual,
        readme + ": the configuration table differs from the keys declared in "
            + Keys.class.getName() + ". Regenerate it from the repository's root with: "
            + ConfigTable.COMMAND);
  }

  @Test
  void updateReplacesOnlyTheTextBetweenTheMarkers() {
    String before = "intro\n" + ConfigTable.START + "\nold\n" + ConfigTable.END + "\nafter\n";
    assertEquals("intro\n" + ConfigTable.START + "\n" + ConfigTable.render() + ConfigTable.END
        + "\nafter\n", ConfigTable.update(before));
  }

  /** The README at the repository's root: Surefire runs in the module's directory. */
  private static Path readme() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "no README.md above " + Path.of("").toAbsolutePath());
    return dir.resolve("README.md");
  }
}
