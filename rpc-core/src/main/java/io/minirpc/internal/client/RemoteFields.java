package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.ErrorInfo;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.Slots;
import io.minirpc.internal.registry.ExceptionFields;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Gives a rebuilt declared exception the fields its ERROR frame carries (see the server's {@code
 * DeclaredState} for the body), and says, as a suppressed exception, which of its fields it
 * could not give and why.
 */
final class RemoteFields {
  /** The fields decoded from an ERROR frame's body, and why any could not be. */
  record Decoded(Map<String, Object> values, List<String> problems) {
    static final Decoded NONE = new Decoded(Map.of(), List.of());
  }

  private static final String NOT_SENT = ": the server did not send it (its version of the class"
      + " lacks it, its codec could not encode the value, or the fields did not fit its maximum"
      + " frame size)";

  private RemoteFields() {}

  /** The fields of declared exception class {@code type} that {@code frame}'s body carries. */
  static Decoded decode(Class<?> type, Frame frame, ClientMethod method) {
    Map<String, ExceptionFields.Slot> slots = method.exceptionFields(false).of(type);
    if (slots.isEmpty()) {
      return Decoded.NONE; // no field to give
    }
    ExceptionFields known = method.exceptionFields(Protocol.evolving(frame.flags()));
    List<String> problems = new ArrayList<>();
    Map<String, Object> values = new HashMap<>();
    ByteBuf body = frame.body();
    if (frame.codecId() == Protocol.NO_CODEC || !body.isReadable()) {
      for (String name : new TreeSet<>(slots.keySet())) {
        problems.add(name + NOT_SENT); // its version has no fields, or they did not fit
      }
    } else if (body.readableBytes() > ErrorInfo.MAX_BODY) {
      problems.add("the server sent " + body.readableBytes() + " bytes of them, more than the "
          + ErrorInfo.MAX_BODY + " a client reads");
    } else if (frame.codecId() != method.codecId() || known == null) {
      problems.add("they came in another codec or layout than the client's (codec id "
          + (frame.codecId() & 0xFF) + ")");
    } else {
      read(body, known.of(type), values, problems);
    }
    return new Decoded(values, problems);
  }

  /** Sets on {@code t} the decoded fields; says as a suppressed exception which it could not. */
  static void apply(Throwable t, Decoded decoded, ClientMethod method) {
    List<String> problems = new ArrayList<>(decoded.problems());
    Map<String, ExceptionFields.Slot> slots = method.exceptionFields(false).of(t.getClass());
    for (Map.Entry<String, Object> e : decoded.values().entrySet()) {
      ExceptionFields.Slot slot = slots.get(e.getKey());
      if (slot == null || (e.getValue() == null && slot.field().getType().isPrimitive())) {
        continue;
      }
      try {
        slot.field().set(t, e.getValue());
      } catch (IllegalAccessException | RuntimeException failed) {
        problems.add(e.getKey() + ": could not be set (" + failed + ")");
      }
    }
    if (!problems.isEmpty()) {
      t.addSuppressed(new RpcException(RpcException.Code.APPLICATION, "Fields of "
          + t.getClass().getName() + " not rebuilt on the client: "
          + String.join("; ", problems)));
    }
  }

  private static void read(ByteBuf body, Map<String, ExceptionFields.Slot> slots,
      Map<String, Object> values, List<String> problems) {
    TreeSet<String> missing = new TreeSet<>(slots.keySet());
    try {
      int count = Frames.readUnsignedShort(body);
      for (int i = 0; i < count; i++) {
        String name = Frames.readString(body);
        ExceptionFields.Slot slot = slots.get(name);
        if (slot == null || !missing.remove(name)) {
          Slots.skip(body); // a field of another version of the class, or sent twice
          continue;
        }
        if (slot.refusal() != null) {
          Slots.skip(body);
          problems.add(name + ": " + slot.refusal());
          continue;
        }
        try {
          values.put(name, Slots.read(body, slot.reader()));
        } catch (IOException e) {
          problems.add(name + ": could not be decoded (" + e.getMessage() + ")");
        } catch (StackOverflowError | OutOfMemoryError e) {
          problems.add(name + ": could not be decoded (the decoder failed with " + e + ")");
          return; // the I/O thread lives on, and the call still ends
        }
      }
    } catch (IOException | RuntimeException malformed) {
      problems.add("the error's body is malformed (" + malformed.getMessage() + ")");
      return;
    }
    for (String name : missing) {
      problems.add(name + NOT_SENT);
    }
  }
}
