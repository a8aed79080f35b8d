package io.minirpc.internal.protocol;

/** Constants of the wire format; docs/PROTOCOL.md draws them. */
public final class Protocol {
  /** "MR": the first two bytes after the length of every frame. */
  public static final short MAGIC = 0x4D52;
  /** The protocol version this code speaks. */
  public static final byte VERSION = 1;
  /** Bytes of the length prefix. */
  public static final int LENGTH_FIELD = 4;
  /**
   * Bytes after the length prefix that every frame has: magic (2), version (1), type (1), codec
   * (1), flags (1), sequence (8), header length (4).
   */
  public static final int FIXED_HEADER = 18;
  /** Offset of the sequence number from the start of the frame (its length prefix). */
  public static final int SEQUENCE_OFFSET = 10;
  /** Offset of the flags byte from the start of the frame. */
  public static final int FLAGS_OFFSET = 9;
  /**
   * Flag of an ERROR frame: the server refused the call before any of it ran (it was shutting
   * down, over a limit, or did not know the method), so sending it again is safe.
   */
  public static final byte FLAG_NOT_RUN = 0x01;
  /**
   * Flag of a REQUEST or RESPONSE frame: its values are in the evolving layout of its codec,
   * because client and server have different versions of the classes they carry. A server
   * answers a request so flagged in the same layout.
   */
  public static final byte FLAG_EVOLVING = 0x04;

  /** Whether {@code flags} carry {@link #FLAG_EVOLVING}. */
  public static boolean evolving(byte flags) {
    return (flags & FLAG_EVOLVING) != 0;
  }

  /** Offset of the header length from the start of the frame. */
  public static final int HEADER_LENGTH_OFFSET = 18;
  /** Codec id of frames whose body carries no codec data (errors). */
  public static final byte NO_CODEC = 0;
  /** Slot length that stands for a {@code null} value. */
  public static final int NULL_SLOT = -1;

  private Protocol() {}
}
