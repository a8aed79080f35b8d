package io.minirpc.codec;

import java.io.IOException;
import java.io.InputStream;

/** Reads values of one declared type. Thread-safe; obtained once from {@link Codec#reader}. */
@FunctionalInterface
public interface ValueReader {

  /**
   * Reads one value from {@code in}.
   *
   * <p>The stream holds exactly the bytes of one value's slot: {@link InputStream#available()}
   * returns the exact number of bytes left, so a reader can check a length declared in the payload
   * against the bytes that really remain before it allocates anything. The reader should consume
   * the whole slot; the core reports bytes left over as a decoding error. It must not close the
   * stream.
   *
   * @return the decoded value, an instance of the declared type (boxed for primitives)
   * @throws IOException if the bytes are not a valid encoding of the declared type, or name a class
   *     that is not allowed; the message says what was found and where
   */
  Object read(InputStream in) throws IOException;

  /**
   * Reads one value from {@code in} as {@link #read(InputStream)} does, calling {@code
   * budget.check()} now and then while it decodes a large value, and giving up with the
   * exception it throws. The core calls this one; the default ignores the budget, so a reader
   * that only implements {@link #read(InputStream)} still works.
   */
  default Object read(InputStream in, DecodeBudget budget) throws IOException {
    return read(in);
  }
}
