package io.minirpc.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when any ByteBuf created while it ran was garbage collected without being
 * released. Registered for every test class through JUnit's extension auto-detection, which the
 * parent pom turns on.
 */
public final class FailOnLeakExtension implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = LeakRecorder.collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " ByteBuf leak(s) detected while running "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n", leaks));
    }
  }
}
