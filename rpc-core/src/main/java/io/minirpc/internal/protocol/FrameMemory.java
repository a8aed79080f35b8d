package io.minirpc.internal.protocol;

/**
 * The memory one connection's frames may take, asked by {@link FrameDecoder} before it buffers a
 * frame: the frame's declared length is reserved from its first bytes, so a frame the connection
 * cannot afford is never buffered. The server implements it; a decoder without one buffers freely.
 */
public interface FrameMemory {
  /** {@link #reserve}: no room now; the decoder stops reading until {@code resume} runs. */
  long LATER = 0;
  /** {@link #reserve}: more than the connection may ever hold; the frame is refused. */
  long NEVER = -1;

  /**
   * Called once by the decoder: {@code resume} is to run on the connection's event loop when a
   * reservation that came back {@link #LATER} may succeed.
   */
  void attach(Runnable resume);

  /**
   * Reserves memory for a frame of {@code type} and {@code frameBytes} bytes, length prefix
   * included, about to be buffered and handled.
   *
   * @return the bytes reserved (positive), to be given back with {@link #release} once the frame
   *     is released; or {@link #LATER}, or {@link #NEVER}
   */
  long reserve(FrameType type, int frameBytes);

  /** Why a frame that came back {@link #NEVER} is refused, in words, with the numbers. */
  String tooLarge(FrameType type, int frameBytes);

  /**
   * Counts {@code bytes} that are already in memory, whatever the budget says: the bytes a
   * connection that stopped reading still holds. Given back with {@link #release}.
   */
  void hold(long bytes);

  /** Gives back what {@link #reserve} or {@link #hold} counted. Any thread. */
  void release(long bytes);

  /**
   * The decoder has held a reservation, for a frame still arriving, since {@code sinceNanos}
   * without the frame advancing (0: it holds none), so that a frame stalled halfway can be told
   * from one that arrives.
   */
  void stalledSince(long sinceNanos);

  /**
   * The decoder began, at {@code sinceNanos}, to receive a reserved frame of {@code frameBytes}
   * bytes that is not all in yet, so that a frame arriving too slowly for its size can be told
   * from one that arrives. {@link #stalledSince stalledSince(0)} says it is over.
   */
  void frameStarted(long sinceNanos, int frameBytes);

  /** The connection is gone: it waits for nothing from now on. */
  void close();
}
