package io.minirpc.bench.jmh;

import io.minirpc.bench.FrameSizes;
import io.minirpc.bench.model.Page;
import io.minirpc.bench.model.User;
import io.minirpc.bench.model.Users;
import io.minirpc.codec.Codec;
import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each codec's encode and decode of the workload's values, through the codec SPI exactly as the
 * core drives it: into and out of a pooled Netty buffer through a stream. Run with {@code -prof
 * gc} for the allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
  @Param({"kryo", "json"})
  public String codec;

  /**
   * The codec's own layout, or its evolving layout: what calls between client and server with
   * different versions of the classes use (docs/evolution.md).
   */
  @Param({"own", "evolving"})
  public String layout;

  private ValueWriter userWriter;
  private ValueReader userReader;
  private ValueWriter pageWriter;
  private ValueReader pageReader;
  private ValueWriter longWriter;
  private User user;
  private Page<User> page;
  private ByteBuf buf;
  private ByteBuf encodedUser;
  private ByteBuf encodedPage;

  /** The codec's declared type for {@code Page<User>}. */
  static Type pageOfUser() {
    return new ParameterizedType() {
      @Override
      public Type[] getActualTypeArguments() {
        return new Type[] {User.class};
      }

      @Override
      public Type getRawType() {
        return Page.class;
      }

      @Override
      public Type getOwnerType() {
        return null;
      }

      @Override
      public String getTypeName() {
        return Page.class.getName() + "<" + User.class.getName() + ">";
      }
    };
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Codec c = FrameSizes.codec(codec);
    if (layout.equals("evolving")) {
      c = c.evolving();
    }
    userWriter = c.writer(User.class);
    userReader = c.reader(User.class);
    pageWriter = c.writer(pageOfUser());
    pageReader = c.reader(pageOfUser());
    longWriter = c.writer(long.class);
    user = Users.user(42);
    page = Users.page(3);
    buf = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
    encodedUser = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
    userWriter.write(user, new ByteBufOutputStream(encodedUser));
    encodedPage = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
    pageWriter.write(page, new ByteBufOutputStream(encodedPage));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    buf.release();
    encodedUser.release();
    encodedPage.release();
  }

  @Benchmark
  public int encodeUser() throws IOException {
    buf.clear();
    userWriter.write(user, new ByteBufOutputStream(buf));
    return buf.writerIndex();
  }

  @Benchmark
  public Object decodeUser() throws IOException {
    return userReader.read(new ByteBufInputStream(encodedUser.duplicate()));
  }

  @Benchmark
  public int encodePage() throws IOException {
    buf.clear();
    pageWriter.write(page, new ByteBufOutputStream(buf));
    return buf.writerIndex();
  }

  @Benchmark
  public Object decodePage() throws IOException {
    return pageReader.read(new ByteBufInputStream(encodedPage.duplicate()));
  }

  /** The argument of a getUser request. */
  @Benchmark
  public int encodeGetUserRequest() throws IOException {
    buf.clear();
    longWriter.write(42L, new ByteBufOutputStream(buf));
    return buf.writerIndex();
  }
}
