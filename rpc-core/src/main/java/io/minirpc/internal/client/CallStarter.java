package io.minirpc.internal.client;

import io.minirpc.internal.transport.ItemReceiver;
import io.minirpc.runtime.OutgoingDeadline;
import java.util.Map;

/**
 * What the client's interceptor chain ({@link InterceptedCall}) needs of the client: the call's
 * starting metadata and deadline rule, and the network at the end of the chain. {@link
 * ClientRuntime} is the one; the chain knows it only through this.
 */
interface CallStarter {
  /** The metadata a call sends when no interceptor changes it. */
  Map<String, String> metadata();

  /** Whether a call made while serving one takes at most that call's time left. */
  boolean propagatesDeadline();

  /** "host:port" of the server, or the target the client was given. */
  String address();

  /**
   * Encodes and sends one call with {@code metadata}; the end of every interceptor chain. Its
   * timeout is the earliest of its own, the server call being served (deadline propagation) and
   * {@code scope}, the {@code CallDeadline} scope it was made in (null for none). A server
   * stream's items go to {@code stream} (null for a call that streams not).
   */
  PendingCall start(ClientMethod method, Object[] args, Map<String, String> metadata,
      OutgoingDeadline.Frame scope, ItemReceiver stream);
}
