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
  void theConfigurationGuidesTableIsTheOneTheKeysRender() throws IOException {
    Path file = tableFile();
    if (Boolean.getBoolean("regenerateReadme")) {
      // ConfigTable.COMMAND: rewrite the table, then check it like any other run.
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Files.writeString(file, ConfigTable.update(text), StandardCharsets.UTF_8);
    }
    String actual = ConfigTable.current(Files.readString(file, StandardCharsets.UTF_8));
    assertEquals(ConfigTable.render(), actual,
        file + ": the configuration table differs from the keys declared in "
            + Keys.class.getName() + ". Regenerate it from the repository's root with: "
            + ConfigTable.COMMAND);
  }

  @Test
  void updateReplacesOnlyTheTextBetweenTheMarkers() {
    String before = "intro\n" + ConfigTable.START + "\nold\n" + ConfigTable.END + "\nafter\n";
    assertEquals("intro\n" + ConfigTable.START + "\n" + ConfigTable.render() + ConfigTable.END
        + "\nafter\n", ConfigTable.update(before));
  }

  /** {@link ConfigTable#FILE} in the repository: Surefire runs in the module's directory. */
  private static Path tableFile() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve(ConfigTable.FILE))) {
      dir = dir.getParent();
    }
    assertNotNull(dir, "no " + ConfigTable.FILE + " above " + Path.of("").toAbsolutePath());
    return dir.resolve(ConfigTable.FILE);
  }
}
