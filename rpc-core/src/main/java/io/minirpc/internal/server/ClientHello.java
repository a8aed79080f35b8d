package io.minirpc.internal.server;

/**
 * What a connection's client said in its HELLO that its calls depend on.
 *
 * @param compression what it can inflate, and the compressor it asked its answers in
 * @param streams whether it speaks streams (ITEM and CREDIT frames)
 * @param streamEnds whether it takes an END for a stream it sends, to stop sending it
 */
record ClientHello(ServerCompression compression, boolean streams, boolean streamEnds) {
  /** Before its HELLO: nothing compressed; no call comes before it anyway. */
  static final ClientHello BEFORE = new ClientHello(ServerCompression.NONE, true, false);
}
