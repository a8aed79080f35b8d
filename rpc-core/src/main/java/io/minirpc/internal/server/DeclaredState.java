package io.minirpc.internal.server;

import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.FrameTooLargeException;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.Slots;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.ExceptionFields;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Map;

/**
 * The fields of an exception the method declares, for the body of its ERROR frame:
 *
 * <pre>
 * count (uint16), count x (field name string, slot)
 * </pre>
 *
 * <p>in the codec's evolving layout when it has one, so that a client with another version of
 * the exception class reads what it can. A field the codec cannot encode is left out (the client
 * says which fields it did not get); a body that would pass {@link ErrorInfo#MAX_BODY} or the
 * frame is dropped whole.
 */
final class DeclaredState implements ErrorInfo.Body {
  private final Throwable thrown;
  private final Map<String, ExceptionFields.Slot> fields;
  private final Codecs.Entry codec;
  private final int maxFrameSize;

  private DeclaredState(Throwable thrown, Map<String, ExceptionFields.Slot> fields,
      Codecs.Entry codec, int maxFrameSize) {
    this.thrown = thrown;
    this.fields = fields;
    this.codec = codec;
    this.maxFrameSize = maxFrameSize;
  }

  /** The body for {@code thrown}, or null if its declared class has no fields to carry. */
  static DeclaredState of(Throwable thrown, ExceptionFields declared, Codecs.Entry codec,
      int maxFrameSize) {
    Map<String, ExceptionFields.Slot> fields = declared.of(thrown.getClass());
    return fields.isEmpty() ? null : new DeclaredState(thrown, fields, codec, maxFrameSize);
  }

  @Override
  public byte codecId() {
    return codec.id();
  }

  @Override
  public byte flags() {
    return codec.isEvolving() ? Protocol.FLAG_EVOLVING : 0;
  }

  @Override
  public void write(ByteBuf buf, int frameStart) throws IOException {
    int limit = Math.min(frameStart + Protocol.LENGTH_FIELD + maxFrameSize,
        buf.writerIndex() + ErrorInfo.MAX_BODY);
    int countIndex = buf.writerIndex();
    buf.writeShort(0);
    int count = 0;
    for (Map.Entry<String, ExceptionFields.Slot> e : fields.entrySet()) {
      ExceptionFields.Slot slot = e.getValue();
      if (slot.refusal() != null) {
        continue;
      }
      int mark = buf.writerIndex();
      try {
        Frames.writeString(buf, e.getKey());
        Slots.write(buf, slot.field().get(thrown), slot.writer(), limit);
        count++;
      } catch (IllegalAccessException | IOException | RuntimeException failed) {
        if (failed instanceof FrameTooLargeException) {
          throw (FrameTooLargeException) failed;
        }
        buf.writerIndex(mark); // this field cannot be encoded: the others still go
      }
    }
    buf.setShort(countIndex, count);
  }
}
