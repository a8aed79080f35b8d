package io.minirpc.internal.config;

/** Which builder reads a setting. Either side accepts every key, so one file can serve both. */
public enum Side {
  CLIENT,
  SERVER,
  BOTH;

  /** How the configuration table names the side. */
  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
