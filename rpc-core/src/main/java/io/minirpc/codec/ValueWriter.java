package io.minirpc.codec;

import java.io.IOException;
import java.io.OutputStream;

/** Writes values of one declared type. Thread-safe; obtained once from {@link Codec#writer}. */
@FunctionalInterface
public interface ValueWriter {

  /**
   * Writes {@code value} to {@code out}.
   *
   * @param value never {@code null}: the core encodes a null value itself, without the codec
   * @param out the value's slot; the writer must not close it
   * @throws IOException if the value cannot be encoded, with a message saying which part and why
   */
  void write(Object value, OutputStream out) throws IOException;
}
