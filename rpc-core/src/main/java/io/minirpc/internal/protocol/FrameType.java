package io.minirpc.internal.protocol;

/** The kinds of frame, with the byte that stands for each on the wire. See docs/PROTOCOL.md. */
public enum FrameType {
  /** Client to server: call a method. Header: service, method, timeout, metadata. */
  REQUEST(1),
  /** Server to client: the method's result, one slot, in the request's codec. */
  RESPONSE(2),
  /** Server to client: the call failed. Header: code, exception class, message, stack. */
  ERROR(3),
  /**
   * Client to server: the caller gave up on the call with this sequence number (it timed out or
   * was cancelled). No header, no body. The server stops the call if it can and sends nothing more
   * for it.
   */
  CANCEL(4),
  /** Either way: are you there? No header, no body; sequence is any value, echoed by PONG. */
  PING(5),
  /** Either way: the answer to a PING, with its sequence number. */
  PONG(6),
  /**
   * Server to client: the server is shutting down. Header: a reason string. The client sends no
   * new calls on this connection; calls already sent finish or fail within the server's grace
   * period.
   */
  GOAWAY(7),
  /**
   * Both ways, first frame of a connection: what this side speaks (see {@code Hello}). The client
   * sends it first; the server answers with its own before any response.
   */
  HELLO(8),
  /**
   * Either way, on a call that streams: one item of the stream, one slot in the call's codec, sent
   * only within the credit its receiver granted. No header.
   */
  ITEM(9),
  /**
   * Either way, on a call that streams: the receiver grants its sender more items and bytes.
   * Header: items (int64), bytes (int64), both added to what was granted before. No body.
   */
  CREDIT(10),
  /**
   * Client to server: the client's stream of call {@code sequence} is complete; no ITEM follows.
   * No header, no body. Sent only after the server's first CREDIT of that call.
   */
  END(11);

  private static final FrameType[] BY_CODE = new FrameType[256];

  static {
    for (FrameType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  FrameType(int code) {
    this.code = code;
  }

  public byte code() {
    return (byte) code;
  }

  /** The type for a wire byte, or {@code null} if this version does not know it. */
  public static FrameType of(byte code) {
    return BY_CODE[code & 0xFF];
  }
}
