package io.minirpc.health;

/** Whether a server, or one of its services, should get calls; see {@link Health}. */
public enum HealthStatus {
  /** Not known: the application has not said, for instance while it starts. */
  UNKNOWN,
  /** Calls are welcome. */
  SERVING,
  /** Calls should go elsewhere: the application said so, or the server is shutting down. */
  NOT_SERVING
}
