package io.minirpc.it.versions;

/**
 * Version 1 of a service, as the client knows it. {@link ServerVersion} compiles a version 2 with
 * the same names for the server, to check what the handshake says about the differences.
 */
public interface Inventory {
  /** Identical in both versions. */
  String ping(String message);

  /** Version 2 returns {@code long}. */
  int count();

  /** Version 2's {@link Item} has one more field. */
  Item find(String name);

  /** Gone in version 2. */
  String describe();
}
