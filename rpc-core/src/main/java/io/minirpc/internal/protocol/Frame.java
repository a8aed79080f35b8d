package io.minirpc.internal.protocol;

import io.netty.buffer.ByteBuf;

/**
 * One decoded frame. {@link #header()} and {@link #body()} are views of one buffer that this frame
 * owns, and the frame may hold memory reserved for it from a {@link FrameMemory}: whoever takes the
 * frame must call {@link #release()} exactly once, which gives back both.
 */
public final class Frame {
  private final FrameType type;
  private final byte codecId;
  private final byte flags;
  private final long sequence;
  private final ByteBuf header;
  private ByteBuf body;
  private final ByteBuf owner;
  /** The body inflated from a compressed one, released with the frame; null if none. */
  private ByteBuf inflated;
  /** Where {@link #reserved} came from; null when nothing was reserved. */
  private final FrameMemory memory;
  /** Bytes reserved for this frame that its release gives back. */
  private long reserved;

  Frame(
      FrameType type,
      byte codecId,
      byte flags,
      long sequence,
      ByteBuf header,
      ByteBuf body,
      ByteBuf owner,
      FrameMemory memory,
      long reserved) {
    this.type = type;
    this.codecId = codecId;
    this.flags = flags;
    this.sequence = sequence;
    this.header = header;
    this.body = body;
    this.owner = owner;
    this.memory = memory;
    this.reserved = reserved;
  }

  public FrameType type() {
    return type;
  }

  public byte codecId() {
    return codecId;
  }

  public byte flags() {
    return flags;
  }

  public long sequence() {
    return sequence;
  }

  /** The type-specific header; reading it moves only this slice's reader index. */
  public ByteBuf header() {
    return header;
  }

  /** Whether nothing is left of it beyond its fixed header: no header and no body to read. */
  public boolean isEmpty() {
    return !header.isReadable() && !body.isReadable();
  }

  /** The body: the codec slots. */
  public ByteBuf body() {
    return body;
  }

  /** Whether the body was compressed and is now the inflated one ({@link #inflatedBody}). */
  public boolean inflated() {
    return inflated != null;
  }

  /**
   * From now on {@link #body()} is {@code body}, inflated from the compressed one, which this frame
   * owns and releases.
   */
  void inflatedBody(ByteBuf body) {
    if (inflated != null) {
      body.release();
      throw new IllegalStateException("the body was inflated already");
    }
    this.inflated = body;
    this.body = body;
  }

  /** The bytes this frame holds in memory as it came, length prefix included. */
  public int size() {
    return owner.capacity();
  }

  /**
   * Takes up to {@code bytes} of the memory reserved for this frame away from it, for whoever
   * holds on to what was decoded from it after the frame is released; that holder gives them back.
   * Call before handing the frame to another thread.
   *
   * @return the bytes taken: {@code bytes}, or less if the frame holds less
   */
  public long takeReserved(long bytes) {
    long taken = Math.min(bytes, reserved);
    reserved -= taken;
    return taken;
  }

  /**
   * Releases the buffer behind header and body, and gives back the memory reserved for the frame.
   * A second call throws, as the buffer's does, and gives back nothing.
   */
  public void release() {
    owner.release();
    if (inflated != null) {
      inflated.release();
    }
    if (reserved > 0) {
      memory.release(reserved);
    }
  }

  @Override
  public String toString() {
    return type + "(seq=" + sequence + ", codec=" + codecId + ", " + size() + " bytes)";
  }
}
