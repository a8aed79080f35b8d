package io.minirpc.codec.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import io.minirpc.codec.Codec;
import io.minirpc.codec.CodecContext;
import io.minirpc.codec.DecodeBudget;
import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Kryo for one client or server: a shared registration table, and a pool of Kryo instances (each
 * with its own resolver, input and output buffers) so calls on many threads never share one.
 */
final class KryoCodec implements Codec {
  /** Deeper object graphs than this are refused, well before a thread's stack runs out. */
  static final int MAX_DEPTH = 256;

  private final KryoRegistrations registrations;
  private final boolean evolving;
  /** No value is larger; bounds the evolving layout's buffers for field values. */
  private final int maxFrameSize;
  private final WorkerPool pool;
  /** This codec in the other layout: the evolving one, or (for that one) the plain one. */
  private final KryoCodec twin;

  KryoCodec(CodecContext context) {
    this(new KryoRegistrations(context.allowedClasses()), false, null, context.maxFrameSize());
  }

  private KryoCodec(KryoRegistrations registrations, boolean evolving, KryoCodec plain,
      int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
    this.registrations = registrations;
    this.evolving = evolving;
    this.pool = new WorkerPool(Math.max(16, Runtime.getRuntime().availableProcessors() * 8));
    this.twin = plain != null ? plain : new KryoCodec(registrations, true, this, maxFrameSize);
  }

  /** Shares its registrations with this codec; its workers write the {@link EvolvingLayout}. */
  @Override
  public io.minirpc.codec.Codec evolving() {
    return evolving ? this : twin;
  }

  /**
   * Idle workers, lock-free: each thread starts looking at the slot its id points to, so a thread
   * usually gets back the worker it returned, without contention. Kryo's own thread-safe pool takes
   * a lock on every call.
   */
  private final class WorkerPool {
    private final AtomicReferenceArray<Worker> slots;
    private final int mask;

    WorkerPool(int capacity) {
      int size = Integer.highestOneBit(capacity - 1) << 1;
      this.slots = new AtomicReferenceArray<>(size);
      this.mask = size - 1;
    }

    Worker obtain() {
      int start = (int) Thread.currentThread().getId();
      for (int i = 0; i < 4; i++) {
        int index = (start + i) & mask;
        if (slots.get(index) != null) {
          Worker w = slots.getAndSet(index, null);
          if (w != null) {
            return w;
          }
        }
      }
      return new Worker(registrations, evolving, maxFrameSize);
    }

    void free(Worker w) {
      int start = (int) Thread.currentThread().getId();
      for (int i = 0; i < 4; i++) {
        if (slots.compareAndSet((start + i) & mask, null, w)) {
          return;
        }
      }
      // More workers than slots near this thread's: let this one go.
    }
  }

  /** One Kryo instance and what goes with it; used by one thread at a time. */
  static final class Worker {
    final ScopedClassResolver resolver;
    final Kryo kryo;
    final BoundedInput input = new BoundedInput();
    final Output output = new Output(4096, -1);
    /** The last two classes this worker wrote or read whole, and their serializers. */
    private Class<?> lastClass;
    private Class<?> otherClass;
    @SuppressWarnings("rawtypes")
    private Serializer lastSerializer;
    @SuppressWarnings("rawtypes")
    private Serializer otherSerializer;

    Worker(KryoRegistrations registrations, boolean evolving, int maxFrameSize) {
      resolver = new ScopedClassResolver(registrations, evolving);
      kryo = new Kryo(resolver, null);
      kryo.setRegistrationRequired(true);
      kryo.setReferences(false);
      kryo.setMaxDepth(MAX_DEPTH);
      kryo.setInstantiatorStrategy(
          new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
      CheckedSerializers.installDefaults(kryo);
      kryo.getContext().put(EvolvingLayout.Scratch.class, new EvolvingLayout.Scratch(maxFrameSize));
    }

    /**
     * The serializer of a value of exactly {@code type}. A thread mostly serves one method at a
     * time, an argument and an answer: two classes. Kryo looks the class up in an identity map
     * for every value, which showed in the profiles of both sides.
     */
    @SuppressWarnings("rawtypes")
    Serializer serializer(Class<?> type) {
      if (type == lastClass) {
        return lastSerializer;
      }
      if (type == otherClass) {
        return otherSerializer;
      }
      Serializer s = kryo.getRegistration(type).getSerializer();
      otherClass = lastClass;
      otherSerializer = lastSerializer;
      lastClass = type;
      lastSerializer = s;
      return s;
    }
  }

  @Override
  public ValueWriter writer(Type type) {
    Slot slot = slot(type);
    return (value, out) -> write(slot, value, out);
  }

  @Override
  public ValueReader reader(Type type) {
    Slot slot = slot(type);
    return new ValueReader() {
      @Override
      public Object read(InputStream in) throws IOException {
        return KryoCodec.this.read(slot, in, DecodeBudget.UNLIMITED);
      }

      @Override
      public Object read(InputStream in, DecodeBudget budget) throws IOException {
        return KryoCodec.this.read(slot, in, budget);
      }
    };
  }

  /** What one declared type needs per call, worked out once. */
  private record Slot(String name, Class<?> boxed, boolean exact, Set<Class<?>> scope,
      Conformance conformance) {
    /** Refuses a value that holds, somewhere inside, another type than declared there. */
    void conform(Object value, String verb) throws IOException {
      if (conformance != null && value != null) {
        try {
          conformance.check(value);
        } catch (Conformance.Mismatch m) {
          throw new IOException(verb + name + " holds " + m.getMessage());
        }
      }
    }
  }

  private Slot slot(Type type) {
    Class<?> raw = Conformance.box(Conformance.raw(type));
    Set<Class<?>> scope = registrations.scope(type);
    // The evolving layout always writes the class id: the other side's version of the class
    // may be final where this one is not, or the reverse.
    boolean exact = evolving ? primitiveArray(raw) : exactClass(raw);
    return new Slot(type.getTypeName(), raw, exact, scope, Conformance.of(type));
  }

  private static boolean primitiveArray(Class<?> c) {
    return c.isArray() && c.getComponentType().isPrimitive();
  }

  /**
   * Whether a value of the declared class can only be of that very class, so no class id needs to
   * be written: final classes, and arrays of primitives or of final classes.
   */
  private static boolean exactClass(Class<?> c) {
    if (c.isArray()) {
      Class<?> component = c.getComponentType();
      return component.isPrimitive() || (!component.isArray() && exactClass(component));
    }
    return Modifier.isFinal(c.getModifiers()) && !c.isEnum();
  }

  private void write(Slot slot, Object value, OutputStream out) throws IOException {
    if (!slot.boxed.isInstance(value)) {
      throw new IOException(
          "a " + value.getClass().getName() + " is not a " + slot.name + " as declared");
    }
    Worker w = pool.obtain();
    try {
      w.resolver.scope(slot.scope, slot.name);
      w.output.setOutputStream(out);
      if (slot.exact) {
        w.kryo.writeObject(w.output, value, w.serializer(value.getClass()));
      } else {
        w.kryo.writeClassAndObject(w.output, value);
      }
      slot.conform(value, "kryo could not encode the value: the ");
      w.output.flush();
    } catch (RuntimeException | StackOverflowError e) {
      throw failure("encode", slot, e);
    } finally {
      w.output.setOutputStream(null);
      pool.free(w);
    }
  }

  private Object read(Slot slot, InputStream in, DecodeBudget budget) throws IOException {
    Worker w = pool.obtain();
    try {
      w.input.load(in);
      w.input.budget(budget);
      w.resolver.scope(slot.scope, slot.name);
      Object value =
          slot.exact ? w.kryo.readObject(w.input, slot.boxed, w.serializer(slot.boxed))
              : w.kryo.readClassAndObject(w.input);
      if (w.input.remaining() > 0) {
        throw new IOException(
            "the " + slot.name + " ended with " + w.input.remaining() + " bytes of the slot unread");
      }
      if (value != null && !slot.boxed.isInstance(value)) {
        throw new IOException(
            "the payload holds a " + value.getClass().getName() + " where " + slot.name
                + " is declared");
      }
      slot.conform(value, "the payload's ");
      return value;
    } catch (RuntimeException | StackOverflowError e) {
      throw failure("decode", slot, e);
    } finally {
      w.input.release();
      pool.free(w);
    }
  }

  /**
   * Kryo reports everything as unchecked exceptions; the SPI wants IOException. An IOException
   * from the stream itself (a frame grown past its limit) is passed through as it is.
   */
  private static IOException failure(String verb, Slot slot, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
    }
    String message =
        e instanceof StackOverflowError
            ? "the value is nested too deeply"
            : String.valueOf(e.getMessage()).replace("\nSerialization trace:", "; trace:");
    return new IOException("kryo could not " + verb + " a " + slot.name + ": " + message, e);
  }
}
